import { parseGoDurationNs } from './http/go-duration.js';
import type { Job, NetworkResource, Port, Resources, Service, ServiceCheck, Task, TaskGroup } from './job-types.js';

/** A decoded HCL body as @cdktf/hcl2json returns it: blocks are arrays of objects, labels are map keys. */
type HclBody = Record<string, unknown>;

/**
 * Maps the hcl2json form of a jobspec to Nomad's JSON job form, for the fields our jobs use (reference §3).
 * Unset fields stay undefined here; `canonicalizeJob` fills defaults when the caller asks for it. Throws an
 * Error with an HCL-like diagnostic when the file has no single `job` block.
 */
export function mapHclJob(decoded: HclBody): Job {
  const jobs = labelled(decoded.job);
  if (jobs.length !== 1) throw new Error(`expected exactly one job block, found ${jobs.length}`);
  const [id, body] = jobs[0] as [string, HclBody];
  return dropUndefined({
    ID: id,
    Name: str(body.name) ?? id,
    Namespace: str(body.namespace),
    Region: str(body.region),
    Type: str(body.type),
    Priority: num(body.priority),
    Datacenters: strList(body.datacenters),
    Meta: firstBlock(body.meta) as Record<string, string> | undefined,
    Update: mapUpdate(firstBlock(body.update)),
    TaskGroups: labelled(body.group).map(([name, group]) => mapGroup(name, group)),
  }) as Job;
}

function mapGroup(name: string, body: HclBody): TaskGroup {
  return dropUndefined({
    Name: name,
    Count: num(body.count),
    Meta: firstBlock(body.meta),
    Update: mapUpdate(firstBlock(body.update)),
    RestartPolicy: mapRestart(firstBlock(body.restart)),
    Tasks: labelled(body.task).map(([taskName, task]) => mapTask(taskName, task)),
  }) as TaskGroup;
}

function mapTask(name: string, body: HclBody): Task {
  return dropUndefined({
    Name: name,
    Driver: str(body.driver),
    Config: firstBlock(body.config),
    Env: firstBlock(body.env),
    Meta: firstBlock(body.meta),
    Resources: mapResources(firstBlock(body.resources)),
    Services: blocks(body.service).map(mapService),
  }) as Task;
}

function mapResources(body: HclBody | undefined): Resources | undefined {
  if (!body) return undefined;
  return dropUndefined({
    CPU: num(body.cpu),
    MemoryMB: num(body.memory),
    Networks: blocks(body.network).map(mapNetwork),
  }) as Resources;
}

function mapNetwork(body: HclBody): NetworkResource {
  const dynamic: Port[] = [];
  const reserved: Port[] = [];
  for (const [label, port] of labelled(body.port)) {
    const staticPort = num(port.static);
    const to = num(port.to);
    const mapped: Port = { Label: label, Value: staticPort ?? 0, ...(to === undefined ? {} : { To: to }) };
    (staticPort === undefined ? dynamic : reserved).push(mapped);
  }
  return dropUndefined({
    MBits: num(body.mbits),
    DynamicPorts: dynamic.length ? dynamic : undefined,
    ReservedPorts: reserved.length ? reserved : undefined,
  }) as NetworkResource;
}

function mapService(body: HclBody): Service {
  return dropUndefined({
    Name: str(body.name),
    PortLabel: body.port === undefined ? undefined : String(body.port),
    AddressMode: str(body.address_mode),
    Tags: strList(body.tags),
    Checks: blocks(body.check).map(mapCheck),
  }) as Service;
}

function mapCheck(body: HclBody): ServiceCheck {
  return dropUndefined({
    Name: str(body.name),
    Type: str(body.type),
    Path: str(body.path),
    Protocol: str(body.protocol),
    PortLabel: body.port === undefined ? undefined : String(body.port),
    AddressMode: str(body.address_mode),
    Interval: duration(body.interval),
    Timeout: duration(body.timeout),
  }) as ServiceCheck;
}

function mapUpdate(body: HclBody | undefined) {
  if (!body) return undefined;
  return dropUndefined({
    MaxParallel: num(body.max_parallel),
    HealthCheck: str(body.health_check),
    MinHealthyTime: duration(body.min_healthy_time),
    HealthyDeadline: duration(body.healthy_deadline),
    ProgressDeadline: duration(body.progress_deadline),
    AutoRevert: typeof body.auto_revert === 'boolean' ? body.auto_revert : undefined,
    Canary: num(body.canary),
  });
}

function mapRestart(body: HclBody | undefined) {
  if (!body) return undefined;
  return dropUndefined({
    Attempts: num(body.attempts),
    Interval: duration(body.interval),
    Delay: duration(body.delay),
    Mode: str(body.mode),
  });
}

/** `task "x" { … }` decodes to `{x: [{…}]}`; returns [label, body] pairs in file order. */
function labelled(value: unknown): [string, HclBody][] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([label, list]) =>
    blocks(list).map((body) => [label, body] as [string, HclBody]),
  );
}

function blocks(value: unknown): HclBody[] {
  if (Array.isArray(value)) return value.filter((v): v is HclBody => !!v && typeof v === 'object');
  return value && typeof value === 'object' ? [value as HclBody] : [];
}

function firstBlock(value: unknown): HclBody | undefined {
  return blocks(value)[0];
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function strList(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.map(String) : undefined;
}

function duration(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const ns = parseGoDurationNs(value);
  if (ns === undefined) throw new Error(`invalid duration "${value}"`);
  return ns;
}

function dropUndefined<T extends Record<string, unknown>>(obj: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(obj).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)),
  ) as Partial<T>;
}

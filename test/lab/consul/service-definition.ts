import { formatGoDuration, parseGoDurationNs } from '../nomad/http/go-duration.js';
import { HttpError } from '../nomad/http/http-error.js';

/** A check as the agent keeps it. */
export interface CheckDefinition {
  CheckID: string;
  Name: string;
  Type: 'http' | 'tcp' | 'ttl';
  HTTP?: string;
  TCP?: string;
  Method: string;
  IntervalMs: number;
  TimeoutMs: number;
  /** Milliseconds a check may stay critical before its service is removed; 0 = never. */
  DeregisterCriticalServiceAfterMs: number;
  Notes: string;
  InitialStatus: string;
  /**
   * `HealthCheck.Interval` / `.Timeout` as the agent fills them: Go's `Duration.String()` of the asked values, `0s`
   * when unset (hashicorp/consul v1.19.2 agent/agent.go `addServiceInternal`, `chkType.Interval.String()`; quoted
   * from that release, not re-read here: the tree was not reachable).
   */
  Interval: string;
  Timeout: string;
  Definition: Record<string, unknown>;
}

/** A service as the agent keeps it (`GET /v1/agent/services` shape, plus its checks). */
export interface ServiceDefinition {
  ID: string;
  Service: string;
  Tags: string[];
  Meta: Record<string, string>;
  Port: number;
  Address: string;
  TaggedAddresses?: Record<string, unknown>;
  Weights: { Passing: number; Warning: number };
  EnableTagOverride: boolean;
  Datacenter: string;
  checks: CheckDefinition[];
}

type Loose = Record<string, unknown>;

/**
 * Decodes a `PUT /v1/agent/service/register` body the way Consul does: keys in CamelCase, snake_case or any
 * case (user keys inside Meta stay as they are), one `Check` or several `Checks`. Invalid input is a 400 with
 * Consul's text.
 */
export function parseServiceDefinition(body: unknown, datacenter: string): ServiceDefinition {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new HttpError(400, 'Request decode failed: body must be an object');
  const def = normalizeKeys(body as Loose);
  const name = def.name;
  if (typeof name !== 'string' || name === '') throw new HttpError(400, 'Missing service name');
  const id = typeof def.id === 'string' && def.id !== '' ? def.id : name;
  const port = def.port === undefined ? 0 : Number(def.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new HttpError(400, `Invalid Service Port: ${def.port}`);
  const rawChecks = [...(def.check ? [def.check] : []), ...(Array.isArray(def.checks) ? def.checks : [])] as Loose[];
  const checks = rawChecks.map((raw, i) =>
    parseCheck(normalizeKeys(raw), id, name, rawChecks.length === 1 ? undefined : i + 1),
  );
  return {
    ID: id,
    Service: name,
    Tags: Array.isArray(def.tags) ? def.tags.map(String) : [],
    Meta: isObject(def.meta)
      ? (Object.fromEntries(Object.entries(def.meta).map(([k, v]) => [k, String(v)])) as Record<string, string>)
      : {},
    Port: port,
    Address: typeof def.address === 'string' ? def.address : '',
    ...(isObject(def.taggedaddresses) ? { TaggedAddresses: def.taggedaddresses } : {}),
    Weights: { Passing: 1, Warning: 1 },
    EnableTagOverride: def.enabletagoverride === true,
    Datacenter: datacenter,
    checks,
  };
}

function parseCheck(
  check: Loose,
  serviceId: string,
  serviceName: string,
  ordinal: number | undefined,
): CheckDefinition {
  const type = checkTypeOf(check);
  const interval = durationMs(check.interval, 'Interval');
  const timeout = durationMs(check.timeout, 'Timeout');
  const deregisterAfter = durationMs(check.deregistercriticalserviceafter, 'DeregisterCriticalServiceAfter');
  if (type !== 'ttl' && !(interval > 0)) {
    throw new HttpError(400, 'Invalid check: Interval must be > 0 for Script, HTTP, H2PING, TCP or UDP checks');
  }
  const defaultId = ordinal === undefined ? `service:${serviceId}` : `service:${serviceId}:${ordinal}`;
  const target = type === 'http' ? { HTTP: check.http as string } : type === 'tcp' ? { TCP: check.tcp as string } : {};
  return {
    CheckID: nonEmpty(check.checkid) ?? nonEmpty(check.id) ?? defaultId,
    Name: nonEmpty(check.name) ?? `Service '${serviceName}' check`,
    Type: type,
    ...target,
    Method: nonEmpty(check.method) ?? 'GET',
    IntervalMs: Math.max(interval, 1000),
    TimeoutMs: timeout || 10_000,
    DeregisterCriticalServiceAfterMs: deregisterAfter,
    Notes: nonEmpty(check.notes) ?? '',
    InitialStatus: nonEmpty(check.status) ?? 'critical',
    Interval: formatGoDuration(interval * 1e6),
    Timeout: formatGoDuration(timeout * 1e6),
    Definition: checkDefinitionJson(target, {
      Interval: interval,
      Timeout: timeout,
      DeregisterCriticalServiceAfter: deregisterAfter,
    }),
  };
}

/**
 * A check's `Definition` as Consul encodes it: hashicorp/consul agent/structs/structs.go `HealthCheckDefinition`
 * has every field `json:",omitempty"`, and its MarshalJSON writes durations with Go's `Duration.String()` (`1m` reads
 * back as `1m0s`) and leaves zero ones out (read at commit 00013006; unchanged in v1.19.2).
 */
function checkDefinitionJson(target: Loose, durationsMs: Record<string, number>): Record<string, unknown> {
  const durations = Object.entries(durationsMs)
    .filter(([, ms]) => ms > 0)
    .map(([key, ms]) => [key, formatGoDuration(ms * 1e6)]);
  return { ...target, ...Object.fromEntries(durations) };
}

function checkTypeOf(check: Loose): CheckDefinition['Type'] {
  if (typeof check.http === 'string') return 'http';
  if (typeof check.tcp === 'string') return 'tcp';
  if (check.ttl) return 'ttl';
  throw new HttpError(
    400,
    'Invalid check: TTL must be > 0 for TTL checks or one of Script, HTTP, TCP, UDP, H2PING or GRPC must be set',
  );
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Consul JSON durations are strings (`"10s"`); bare numbers are nanoseconds. */
function durationMs(value: unknown, field: string): number {
  if (value === undefined || value === null || value === '') return 0;
  if (typeof value === 'number') return value / 1e6;
  const ns = parseGoDurationNs(String(value));
  if (ns === undefined) throw new HttpError(400, `Request decode failed: time: invalid duration "${value}" (${field})`);
  return ns / 1e6;
}

/** Lower-cases keys and drops `_`, like Consul's lib.TranslateKeys and node-consul's option normalization. */
function normalizeKeys(obj: Loose): Loose {
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k.toLowerCase().replaceAll('_', ''), v]));
}

function isObject(value: unknown): value is Loose {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

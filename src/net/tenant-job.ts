import { ErrorCode, NetopsError } from '../errors.js';

/** How the tenant's containers join the overlay (config `networks[].attach`). */
export interface TenantPlacement {
  tenant: string;
  subnet: string;
  attach: 'proxy' | 'plugin' | 'host' | 'docker-network';
  dockerNetwork?: string;
}

export interface JobOverrides {
  count?: number;
  image?: string;
}

type JsonObject = Record<string, unknown>;

/** The Nomad job ID of a template deployed for a tenant: tenants never overwrite each other. */
export function tenantJobId(job: string, tenant: string): string {
  return `${job}-${tenant}`;
}

/**
 * Renders a parsed job (Nomad API JSON, as returned by /v1/jobs/parse) for one tenant: its own job ID, the
 * tenant's subnet through WEAVE_CIDR (proxy mode) or the docker network (plugin mode), tenant meta and the
 * user's overrides. Works on a deep copy; unknown fields pass through untouched.
 */
export function applyTenant(
  parsed: JsonObject,
  template: string,
  placement: TenantPlacement,
  overrides: JobOverrides = {},
): JsonObject {
  const job = structuredClone(parsed);
  const id = tenantJobId(template, placement.tenant);
  job.ID = id;
  job.Name = id;
  job.Meta = {
    ...(job.Meta as JsonObject | undefined),
    tenant: placement.tenant,
    netops_template: template,
    netops_managed: 'true',
  };
  const groups = (job.TaskGroups as JsonObject[] | undefined) ?? [];
  if (groups.length === 0)
    throw new NetopsError(ErrorCode.Usage, 'job has no task group', {
      userMessage: `jobs/${template}.nomad.hcl has no task group.`,
    });
  const dockerTasks = groups.flatMap((g) =>
    ((g.Tasks as JsonObject[] | undefined) ?? []).filter((t) => t.Driver === 'docker'),
  );
  if (overrides.image && dockerTasks.length !== 1) {
    throw new NetopsError(ErrorCode.Usage, 'image override is ambiguous', {
      userMessage: `image= needs exactly one docker task in jobs/${template}.nomad.hcl, found ${dockerTasks.length}.`,
    });
  }
  if (overrides.count !== undefined) for (const g of groups) g.Count = overrides.count;
  for (const task of dockerTasks) {
    const config = { ...((task.Config as JsonObject | undefined) ?? {}) };
    const env = { ...((task.Env as Record<string, string> | undefined) ?? {}) };
    if (overrides.image) config.image = overrides.image;
    if (placement.attach === 'proxy') {
      env.WEAVE_CIDR = `net:${placement.subnet}`;
      delete config.network_mode;
    } else {
      delete env.WEAVE_CIDR;
      config.network_mode = placement.attach === 'host' ? 'host' : (placement.dockerNetwork ?? 'weave');
    }
    env.NETOPS_TENANT = placement.tenant;
    task.Config = config;
    task.Env = env;
    if (placement.attach === 'plugin') task.Services = registerOverlayThroughNomad(task.Services, placement.tenant);
    task.Meta = { ...((task.Meta as JsonObject | undefined) ?? {}), tenant: placement.tenant };
  }
  return job;
}

/**
 * Plugin mode (`network_mode = "weave"`): Nomad itself registers the container's weave address when the service
 * uses `address_mode = "driver"` (docker driver detectIP auto-advertises any network but bridge/nat; HEAD
 * drivers/docker/driver.go:1639-1680, client/serviceregistration/address.go:97-135; the same in 0.9.7), and a
 * check with `address_mode = "driver"` probes that address. So the bot renders each service as
 * `<service>-<tenant>` in driver mode (checks too) and registers nothing itself.
 */
function registerOverlayThroughNomad(services: unknown, tenant: string): JsonObject[] | undefined {
  if (!Array.isArray(services)) return undefined;
  return (services as JsonObject[]).map((svc) => ({
    ...svc,
    Name: `${String(svc.Name)}-${tenant}`,
    AddressMode: 'driver',
    Checks: ((svc.Checks as JsonObject[] | null | undefined) ?? []).map((c) => ({ ...c, AddressMode: 'driver' })),
  }));
}

/** A service the bot registers itself, with the overlay IP, for each allocation of the job. */
export interface OverlayServiceSpec {
  task: string;
  /** Nomad's service name in the template. */
  templateName: string;
  /** Name the bot registers: `<service>-<tenant>`. */
  name: string;
  port: number;
  tags: string[];
  check: { type: 'http' | 'tcp'; path: string; intervalMs: number; timeoutMs: number } | undefined;
}

/** Reads the template's task services; their numeric port and check become the bot's overlay registration. */
export function overlayServices(job: JsonObject, tenant: string): OverlayServiceSpec[] {
  const groups = (job.TaskGroups as JsonObject[] | undefined) ?? [];
  return groups.flatMap((group) =>
    ((group.Tasks as JsonObject[] | undefined) ?? []).flatMap((task) =>
      ((task.Services as JsonObject[] | undefined) ?? []).flatMap((svc) => toOverlayService(task, svc, tenant) ?? []),
    ),
  );
}

/** One task service as the bot registers it on the overlay; undefined when its port is not a number. */
function toOverlayService(task: JsonObject, svc: JsonObject, tenant: string): OverlayServiceSpec | undefined {
  const port = Number(svc.PortLabel);
  if (!Number.isInteger(port) || port <= 0) return undefined;
  const check = ((svc.Checks as JsonObject[] | undefined) ?? [])[0];
  const type = check?.Type === 'http' || check?.Type === 'tcp' ? check.Type : undefined;
  return {
    task: String(task.Name),
    templateName: String(svc.Name),
    name: `${String(svc.Name)}-${tenant}`,
    port,
    tags: [...((svc.Tags as string[] | undefined) ?? []), 'netops', 'overlay', `tenant-${tenant}`],
    check: type
      ? {
          type,
          path: String(check?.Path ?? '/'),
          intervalMs: nsToMsOr(check?.Interval, 5_000),
          timeoutMs: nsToMsOr(check?.Timeout, 2_000),
        }
      : undefined,
  };
}

function nsToMsOr(ns: unknown, fallbackMs: number): number {
  return typeof ns === 'number' && ns > 0 ? Math.round(ns / 1e6) : fallbackMs;
}

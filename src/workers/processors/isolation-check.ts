import type { IsolationCheckArgs } from '../../commands/specs/isolation-check.js';
import { isolationCheckSpec } from '../../commands/specs/isolation-check.js';
import type { ClusterContext } from '../../net/cluster.js';
import { addBridgeAddresses, selectSharedHostContainers } from '../../net/isolation/bridge-address.js';
import { createHostHealth } from '../../net/isolation/host-health.js';
import { mergeEndpoints } from '../../net/isolation/match.js';
import { type IsolationPolicy, runMatrix } from '../../net/isolation/matrix.js';
import { type ResolveDeps, resolveWorkloads } from '../../net/isolation/resolve.js';
import type { TenantView } from '../../net/isolation/tenants.js';
import type { Endpoint, ProbeSpec } from '../../net/isolation/types.js';
import { buildIsolationReport } from '../../report/isolation-report.js';
import { defineProcessor } from '../define-processor.js';
import type { Processor } from '../processor.js';

/** Probe bounds: the tool's own deadline inside the container and the bound of the whole SSH command. */
export interface IsolationTiming {
  /** `ping -W` / `nc -w`, whole seconds. */
  deadlineS: number;
  /** Per probe attempt, docker exec and SSH included. */
  probeTimeoutMs: number;
  /** Per listing command (docker ps, weave ps) while resolving. */
  listTimeoutMs: number;
}

/** One echo gets 1 s; docker exec over a pooled SSH connection adds well under a second on a healthy host. */
export const DEFAULT_ISOLATION_TIMING: IsolationTiming = { deadlineS: 1, probeTimeoutMs: 3_000, listTimeoutMs: 10_000 };

/** Decides the probes towards each target and whether some targets fall back to ICMP only. */
export function planProbes(
  args: Pick<IsolationCheckArgs, 'ports' | 'protos'>,
  endpoints: readonly Endpoint[],
): { probesFor: (to: Endpoint) => ProbeSpec[]; icmpOnlyNote: string | null } {
  const portProtos = args.protos.filter((p): p is 'tcp' | 'udp' => p !== 'icmp');
  const probesFor = (to: Endpoint): ProbeSpec[] => {
    const ports = args.ports.length ? args.ports : to.servicePort ? [to.servicePort] : [];
    const specs: ProbeSpec[] = portProtos.flatMap((proto) => ports.map((port) => ({ proto, port })));
    if (args.protos.includes('icmp') || specs.length === 0) specs.unshift({ proto: 'icmp', port: null });
    return specs;
  };
  const portless = args.ports.length || portProtos.length === 0 ? [] : endpoints.filter((e) => !e.servicePort);
  const icmpOnlyNote = portless.length
    ? `No port given and none known for ${portless
        .slice(0, 5)
        .map((e) => e.label)
        .join(
          ', ',
        )}${portless.length > 5 ? ` and ${portless.length - 5} more` : ''}: ${args.protos.includes('icmp') ? 'probed with ICMP only' : 'probed with ICMP instead'} (give port=N to test TCP/UDP)`
    : null;
  return { probesFor, icmpOnlyNote };
}

/**
 * Containers sharing a host also share Docker's default bridge (docker0): their addresses there are a second
 * path to probe. Only looked up when some host holds two of the check's containers.
 */
async function withBridgeAddresses(
  deps: IsolationCheckDeps,
  endpoints: Endpoint[],
  hostFailures: ReadonlyArray<{ host: string }>,
  opts: { signal: AbortSignal; timeoutMs: number },
): Promise<Endpoint[]> {
  if (selectSharedHostContainers(endpoints).length === 0) return endpoints;
  const downHosts = new Set(hostFailures.map((f) => f.host));
  return addBridgeAddresses(deps.cluster.ssh, endpoints, { ...opts, downHosts });
}

/** Dependencies of the /isolation-check processor. */
export interface IsolationCheckDeps {
  cluster: Pick<ClusterContext, 'ssh' | 'hosts' | 'nomad' | 'consul'>;
  /** Nomad clients of tenants with their own namespace (jobs there are invisible to the cluster's client). */
  tenantNomads?: ResolveDeps['tenantNomads'];
  config: { tenants: readonly TenantView[]; isolation?: IsolationPolicy | undefined };
  timing?: Partial<IsolationTiming>;
  /** Injected clock for the reported duration. */
  now?: () => number;
}

/**
 * `/isolation-check <a> <b>`: resolves both sides to containers with overlay addresses, probes every directed
 * pair from inside the source container over SSH (in parallel under the per-host cap), compares with the tenant
 * policy and reports leaks first.
 */
export function createIsolationCheckProcessor(deps: IsolationCheckDeps): Processor<IsolationCheckArgs> {
  const timing = { ...DEFAULT_ISOLATION_TIMING, ...deps.timing };
  const now = deps.now ?? (() => performance.now());
  const policy: IsolationPolicy = deps.config.isolation ?? { allow: [] };
  return async (ctx) => {
    const started = now();
    const { a, b } = ctx.command.args;
    await ctx.progress(`resolving ${a} and ${b}`);
    const resolved = await resolveWorkloads(
      {
        ssh: deps.cluster.ssh,
        hosts: deps.cluster.hosts,
        nomad: deps.cluster.nomad,
        ...(deps.tenantNomads ? { tenantNomads: deps.tenantNomads } : {}),
        consul: deps.cluster.consul,
        tenants: deps.config.tenants,
        timeoutMs: timing.listTimeoutMs,
      },
      [a, b],
      ctx.signal,
    );
    const health = createHostHealth();
    for (const f of resolved.hostFailures) health.markDown(f.host, f.reason);
    const endpoints = await withBridgeAddresses(deps, mergeEndpoints(resolved.sides), resolved.hostFailures, {
      signal: ctx.signal,
      timeoutMs: timing.listTimeoutMs,
    });
    const plan = planProbes(ctx.command.args, endpoints);
    const pairCount = endpoints.length * (endpoints.length - 1);
    await ctx.progress(`probing ${pairCount} directed pairs`);
    const matrix = await runMatrix(endpoints, {
      run: (host, command, opts) => deps.cluster.ssh.run(host, command, opts),
      policy,
      timing: { deadlineS: timing.deadlineS, timeoutMs: timing.probeTimeoutMs },
      probesFor: plan.probesFor,
      signal: ctx.signal,
      health,
    });
    const downHosts = [
      ...resolved.hostFailures,
      ...matrix.downHosts.filter((d) => !resolved.hostFailures.some((f) => f.host === d.host)),
    ];
    return buildIsolationReport({
      a,
      b,
      endpoints,
      pairs: matrix.pairs,
      icmpOnlyNote: plan.icmpOnlyNote,
      warnings: resolved.warnings,
      downHosts,
      incomplete: resolved.hostFailures.length > 0 && [a, b].some((n) => n.startsWith('tenant:')),
      timing: {
        deadlineS: timing.deadlineS,
        probeTimeoutMs: timing.probeTimeoutMs,
        durationMs: Math.round(now() - started),
      },
    });
  };
}

/** /isolation-check with the tenants' isolation policy, looking into the tenants' own Nomad namespaces too. */
export const isolationCheckProcessor = defineProcessor(isolationCheckSpec, (kit) =>
  createIsolationCheckProcessor({
    cluster: kit.cluster,
    config: { tenants: kit.config.tenants, isolation: kit.config.isolation },
    tenantNomads: kit.tenantNomads.map((t) => t.nomad),
  }),
);

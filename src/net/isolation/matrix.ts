import { setMaxListeners } from 'node:events';
import { createHostHealth, type HostHealth } from './host-health.js';
import { judgePaths, planBridgePath } from './paths.js';
import { createPingBatcher } from './ping-batcher.js';
import { type ProbeTarget, type ProbeTiming, type RetryPolicy, runProbe, type SshRunner } from './probe.js';
import type { BridgePathResult, Endpoint, PairResult, ProbeResult, ProbeSpec, Reachability } from './types.js';

export { judgePair } from './paths.js';

/** Tenant pairs the config allows (directed: `from` may reach `to`). */
export interface IsolationPolicy {
  allow: ReadonlyArray<{ from: string; to: string }>;
}

/** Same tenant: reachable; an allowed pair: reachable; other tenants: isolated; no tenant known: unknown. */
export function expectReachability(from: string | null, to: string | null, policy: IsolationPolicy): Reachability {
  if (from === null || to === null) return 'unknown';
  if (from === to) return 'reachable';
  return policy.allow.some((r) => r.from === from && r.to === to) ? 'reachable' : 'isolated';
}

/**
 * One observation from a pair's probes: any probe that got through makes it reachable (one open path is a
 * path); isolated needs every probe to have run and at least one conclusive refusal to pass.
 */
export function combineProbes(probes: readonly ProbeResult[]): { observed: Reachability; reason?: string } {
  if (probes.some((p) => p.outcome === 'reachable')) return { observed: 'reachable' };
  const unknown = probes.find((p) => p.outcome === 'unknown');
  if (unknown) return { observed: 'unknown', reason: unknown.detail };
  if (probes.some((p) => p.outcome === 'isolated')) return { observed: 'isolated' };
  return { observed: 'unknown', reason: probes.length ? 'only inconclusive (UDP) probes' : 'nothing to probe' };
}

/** Every directed pair between the endpoints, except a container with itself. */
export function buildPairs(endpoints: readonly Endpoint[]): Array<{ from: Endpoint; to: Endpoint }> {
  const pairs: Array<{ from: Endpoint; to: Endpoint }> = [];
  for (const from of endpoints) {
    for (const to of endpoints) {
      if (from.host === to.host && from.container === to.container) continue;
      pairs.push({ from, to });
    }
  }
  return pairs;
}

/** Options of {@link runMatrix}. */
export interface MatrixOptions {
  run: SshRunner;
  policy: IsolationPolicy;
  timing: ProbeTiming;
  /** Probes for one target (ICMP, plus TCP/UDP to the given or known service ports). */
  probesFor(to: Endpoint): ProbeSpec[];
  signal: AbortSignal;
  /** Shared across a check so a host found dead once is not waited on again. */
  health?: HostHealth;
}

/** Makes one probe (with its retry) from a source container towards an address. */
type Prober = (target: ProbeTarget, spec: ProbeSpec, shouldRetry: RetryPolicy) => Promise<ProbeResult>;

/** Probes one path (the target address `ip`) with every spec towards `to`. */
function probePath(
  from: Endpoint,
  to: Endpoint,
  ip: string,
  opts: MatrixOptions,
  probe: Prober,
  shouldRetry: RetryPolicy,
): Promise<ProbeResult[]> {
  const target = { host: from.host, container: from.container, ip };
  return Promise.all(opts.probesFor(to).map((spec) => probe(target, spec, shouldRetry)));
}

/** The docker0 path of a pair on one host, probed; undefined when the pair has none. */
async function probeBridge(
  from: Endpoint,
  to: Endpoint,
  opts: MatrixOptions,
  probe: Prober,
  shouldRetry: RetryPolicy,
): Promise<BridgePathResult | undefined> {
  const plan = planBridgePath(from, to);
  if (!plan) return undefined;
  if ('unknown' in plan) return { ip: '', observed: 'unknown', probes: [], reason: plan.unknown };
  const probes = await probePath(from, to, plan.ip, opts, probe, shouldRetry);
  const { observed, reason } = combineProbes(probes);
  return { ip: plan.ip, observed, probes, ...(reason ? { reason } : {}) };
}

async function probePair(from: Endpoint, to: Endpoint, opts: MatrixOptions, probe: Prober): Promise<PairResult> {
  const expected = expectReachability(from.tenant, to.tenant, opts.policy);
  // A failure that matches "isolated" is the answer, not a glitch; everything else gets its second try.
  const shouldRetry: RetryPolicy = (first) =>
    first.outcome === 'unknown' || (first.outcome !== 'reachable' && expected !== 'isolated');
  const [probes, bridge] = await Promise.all([
    probePath(from, to, to.ip, opts, probe, shouldRetry),
    probeBridge(from, to, opts, probe, shouldRetry),
  ]);
  const judged = judgePaths(expected, combineProbes(probes), bridge);
  return {
    from: from.label,
    to: to.label,
    fromTenant: from.tenant,
    toTenant: to.tenant,
    toIp: to.ip,
    expected,
    probes,
    ...judged,
    ...(bridge ? { bridge } : {}),
  };
}

/**
 * Probes every directed pair at once: ICMP over both paths batched per source container (ping-batcher.ts), TCP
 * and UDP one command per probe; the SSH pool's per-host cap does the pacing. Retries a probe once only
 * where a failure would be a mismatch or is unknown, and judges each pair over every path it has: the overlay
 * address and, for two containers on one host, their docker0 addresses. Pairs towards a host that went down and
 * got no reply are `unknown`, not isolated: a dead host proves nothing about isolation.
 */
export async function runMatrix(
  endpoints: readonly Endpoint[],
  opts: MatrixOptions,
): Promise<{ pairs: PairResult[]; downHosts: Array<{ host: string; reason: string }> }> {
  const health = opts.health ?? createHostHealth();
  const pairs = buildPairs(endpoints);
  // Every queued probe listens on the one check signal; hundreds are expected, not a leak.
  const probeCount = pairs.reduce((n, p) => n + opts.probesFor(p.to).length * 2, 0);
  setMaxListeners(probeCount * 2 + 10, opts.signal);
  const pings = createPingBatcher(opts.run, health, opts.timing, opts.signal);
  const probe: Prober = (target, spec, shouldRetry) =>
    spec.proto === 'icmp'
      ? pings.probe(target, shouldRetry)
      : runProbe(opts.run, health, target, spec, opts.timing, opts.signal, shouldRetry);
  const results = await Promise.all(pairs.map(({ from, to }) => probePair(from, to, opts, probe)));
  // Judged after every probe ended: a host may be found dead by its own probes after others aimed at it.
  const hostOf = new Map(endpoints.map((e) => [e.label, e.host]));
  const adjusted = results.map((pair): PairResult => {
    const targetDown = health.reasonDown(hostOf.get(pair.to) ?? '');
    if (pair.observed !== 'isolated' || !targetDown) return pair;
    const reason = `target host ${hostOf.get(pair.to)} is down: ${targetDown}`;
    return { ...pair, observed: 'unknown', verdict: 'unknown', reason };
  });
  return { pairs: adjusted, downHosts: health.downHosts() };
}

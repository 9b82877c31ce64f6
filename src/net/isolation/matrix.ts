import { setMaxListeners } from 'node:events';
import { createHostHealth, type HostHealth } from './host-health.js';
import { type ProbeTiming, type RetryPolicy, runProbe, type SshRunner } from './probe.js';
import type { Endpoint, PairResult, ProbeResult, ProbeSpec, Reachability, Verdict } from './types.js';

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

/** leak = expected isolated, observed reachable (the dangerous one); break = expected reachable, observed isolated. */
export function judgePair(expected: Reachability, observed: Reachability): Verdict {
  if (expected === 'unknown' || observed === 'unknown') return 'unknown';
  if (expected === observed) return 'pass';
  return observed === 'reachable' ? 'leak' : 'break';
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

/**
 * Probes every directed pair at once (the SSH pool's per-host cap does the pacing), retries a probe once only
 * where a failure would be a mismatch or is unknown, and judges each pair. Pairs towards a host that went down
 * and got no reply are `unknown`, not isolated: a dead host proves nothing about isolation.
 */
export async function runMatrix(
  endpoints: readonly Endpoint[],
  opts: MatrixOptions,
): Promise<{ pairs: PairResult[]; downHosts: Array<{ host: string; reason: string }> }> {
  const health = opts.health ?? createHostHealth();
  const pairs = buildPairs(endpoints);
  // Every queued probe listens on the one check signal; hundreds are expected, not a leak.
  const probeCount = pairs.reduce((n, p) => n + opts.probesFor(p.to).length, 0);
  setMaxListeners(probeCount * 2 + 10, opts.signal);
  const results = await Promise.all(
    pairs.map(async ({ from, to }): Promise<PairResult> => {
      const expected = expectReachability(from.tenant, to.tenant, opts.policy);
      // A failure that matches "isolated" is the answer, not a glitch; everything else gets its second try.
      const shouldRetry: RetryPolicy = (first) =>
        first.outcome === 'unknown' || (first.outcome !== 'reachable' && expected !== 'isolated');
      const probes = await Promise.all(
        opts
          .probesFor(to)
          .map((spec) =>
            runProbe(
              opts.run,
              health,
              { host: from.host, container: from.container, ip: to.ip },
              spec,
              opts.timing,
              opts.signal,
              shouldRetry,
            ),
          ),
      );
      const { observed, reason } = combineProbes(probes);
      return {
        from: from.label,
        to: to.label,
        fromTenant: from.tenant,
        toTenant: to.tenant,
        toIp: to.ip,
        expected,
        observed,
        verdict: judgePair(expected, observed),
        probes,
        ...(reason ? { reason } : {}),
      };
    }),
  );
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

import type { BridgePathResult, Endpoint, PairResult, Reachability, Verdict } from './types.js';

/** An observation of one path: the overlay (the tenant network) or docker0. */
export interface PathObservation {
  observed: Reachability;
  reason?: string;
}

/**
 * Whether a pair has a docker0 path to probe, and towards which address. Two containers on one host that are
 * both on Docker's default bridge reach each other over it unless dockerd runs with `--icc=false` (Weave's
 * isolation guide, weaveworks/weave site/tasks/manage/application-isolation.md); containers on different hosts
 * or not on the default bridge (`--net=weave`, `--net=host`) have no such path. An address that could not be
 * read makes the path unknown, not absent.
 */
export function planBridgePath(from: Endpoint, to: Endpoint): { ip: string } | { unknown: string } | undefined {
  if (from.host !== to.host || from.container === to.container) return undefined;
  const failed = from.bridgeLookupError ?? to.bridgeLookupError;
  if (failed) return { unknown: `docker0 address unknown: ${failed}` };
  if (!from.bridgeIp || !to.bridgeIp) return undefined;
  return { ip: to.bridgeIp };
}

/** leak = expected isolated, observed reachable (the dangerous one); break = expected reachable, observed isolated. */
export function judgePair(expected: Reachability, observed: Reachability): Verdict {
  if (expected === 'unknown' || observed === 'unknown') return 'unknown';
  if (expected === observed) return 'pass';
  return observed === 'reachable' ? 'leak' : 'break';
}

type Judged = Pick<PairResult, 'observed' | 'verdict' | 'reason' | 'leakVia'>;

/**
 * Judges a pair over every path it has. Isolation must hold on each path: one path that gets through is a leak
 * (named in `leakVia`), and one that could not be observed leaves the pair unknown. Reachability is the tenant
 * network's promise, so an expected-reachable pair is judged on the overlay alone; docker0 answering there does
 * not hide a broken overlay.
 */
export function judgePaths(
  expected: Reachability,
  overlay: PathObservation,
  bridge: BridgePathResult | undefined,
): Judged {
  const withReason = (j: Judged, reason: string | undefined): Judged => (reason ? { ...j, reason } : j);
  if (!bridge || expected === 'reachable') {
    return withReason({ observed: overlay.observed, verdict: judgePair(expected, overlay.observed) }, overlay.reason);
  }
  const paths = [
    { name: 'overlay' as const, ...overlay },
    { name: 'docker0' as const, observed: bridge.observed, reason: bridge.reason },
  ];
  const through = paths.filter((p) => p.observed === 'reachable').map((p) => p.name);
  if (through.length) {
    const verdict = judgePair(expected, 'reachable');
    return { observed: 'reachable', verdict, ...(verdict === 'leak' ? { leakVia: through } : {}) };
  }
  const unknown = paths.find((p) => p.observed === 'unknown');
  if (unknown) {
    return withReason(
      { observed: 'unknown', verdict: 'unknown' },
      `${unknown.name}: ${unknown.reason ?? 'no observation'}`,
    );
  }
  return { observed: 'isolated', verdict: judgePair(expected, 'isolated') };
}

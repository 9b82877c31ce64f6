const unitNs: Record<string, number> = {
  ns: 1,
  us: 1e3,
  µs: 1e3,
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/**
 * Parses a Go duration string (`10s`, `1m30s`, `250ms`, `0`) into nanoseconds, or returns undefined when it
 * is not one. Nomad and Consul both use Go's time.ParseDuration for `wait`, intervals and timeouts.
 */
export function parseGoDurationNs(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  if (!/^([0-9]*\.?[0-9]+(ns|us|µs|ms|s|m|h))+$/.test(trimmed)) return undefined;
  let totalNs = 0;
  for (const match of trimmed.matchAll(/([0-9]*\.?[0-9]+)(ns|us|µs|ms|s|m|h)/g)) {
    totalNs += Number(match[1]) * (unitNs[match[2] as string] ?? 0);
  }
  return Math.round(totalNs);
}

/** Formats nanoseconds the way Go's Duration.String() does for whole units (`10s`, `1m30s`, `500ms`). */
export function formatGoDuration(ns: number): string {
  if (ns === 0) return '0s';
  if (ns < 1e6) return `${ns / 1e3}µs`;
  if (ns < 1e9) return `${ns / 1e6}ms`;
  let rest = ns / 1e9;
  const hours = Math.floor(rest / 3600);
  rest -= hours * 3600;
  const minutes = Math.floor(rest / 60);
  rest -= minutes * 60;
  const seconds = Number(rest.toFixed(9));
  return `${hours ? `${hours}h` : ''}${hours || minutes ? `${minutes}m` : ''}${seconds}s`;
}

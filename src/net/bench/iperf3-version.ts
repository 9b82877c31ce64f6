/** An iperf3 version as `iperf3 --version` prints it (`iperf 3.12 (cJSON 1.7.15)`). */
export interface Iperf3Version {
  text: string;
  parts: number[];
}

/** Reads the version from `iperf3 --version` (esnet/iperf src/main.c: `%s (cJSON %s)`) or a JSON `start.version`. */
export function parseIperf3Version(output: string): Iperf3Version | undefined {
  const m = /\biperf (\d+(?:\.\d+){1,2})\b/.exec(output);
  if (!m?.[1]) return undefined;
  return { text: m[1], parts: m[1].split('.').map(Number) };
}

/** -1, 0 or 1, comparing numerically part by part (3.9 < 3.12). */
export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** Whether UDP loss figures can be shown, and if not why. */
export type LossVerdict = { reliable: true } | { reliable: false; reason: string };

const FIXED_IN = [3, 14];

/**
 * UDP loss from iperf3 is shown only when both ends run the same version, 3.14 or later: before 3.14 the loss
 * statistics are wrong with `--omit` (esnet/iperf RELNOTES.md 3.14: "Statistics are fixed when --omit is used
 * (Issue #1489/PR #1498)"; the bench always passes -O 1), and they are also wrong between different versions
 * (esnet/iperf#2055).
 */
export function judgeLossFigures(client: Iperf3Version | undefined, server: Iperf3Version | undefined): LossVerdict {
  if (!client || !server) {
    return { reliable: false, reason: 'the iperf3 version could not be read on both ends' };
  }
  if (compareVersions(client.parts, server.parts) !== 0) {
    return {
      reliable: false,
      reason: `client iperf3 ${client.text} and server ${server.text} differ, and loss counting differs between versions (esnet/iperf#2055)`,
    };
  }
  if (compareVersions(client.parts, FIXED_IN) < 0) {
    return {
      reliable: false,
      reason: `iperf3 ${client.text} predates 3.14, which fixed its loss statistics with --omit (esnet/iperf PR #1498)`,
    };
  }
  return { reliable: true };
}

/** What one iperf3 client run measured, or why it failed. */
export type Iperf3Outcome =
  | {
      ok: true;
      protocol: 'tcp' | 'udp';
      streams: number;
      /** Receiver throughput in Mbit/s (what knb and k8s-netperf report). */
      mbps: number;
      /** UDP only: datagrams lost, in percent. */
      lostPercent?: number;
      /** UDP only. */
      jitterMs?: number;
      /** TCP only: sender retransmits. */
      retransmits?: number;
      /** UDP: the datagram payload size used (`start.test_start.blksize`; with -b 0, the control connection's MSS). */
      blksize?: number;
      /** `start.version`, e.g. `iperf 3.9`. */
      version?: string;
    }
  | { ok: false; error: string };

interface Iperf3Sum {
  bits_per_second?: number;
  lost_percent?: number | null;
  jitter_ms?: number | null;
  retransmits?: number;
  packets?: number;
}

interface Iperf3Json {
  start?: { version?: string; test_start?: { protocol?: string; num_streams?: number; blksize?: number } };
  end?: { sum_received?: Iperf3Sum; sum_sent?: Iperf3Sum; sum?: Iperf3Sum };
  error?: string;
}

/**
 * Parses the output of `iperf3 -J` (client side). Tolerates what iperf3 really prints: text appended after the
 * JSON (esnet/iperf#1143), bare `nan` numbers in old builds (#826), and the top-level `error` key of a failed
 * run (#545). TCP throughput is `end.sum_received`; UDP takes the receiver's sum when present (since 3.11, esnet/iperf
 * commit 0d078c4a) and otherwise the sender's `end.sum` less the lost share (3.10 and older print only `sum`).
 */
export function parseIperf3Output(stdout: string): Iperf3Outcome {
  const doc = extractJsonObject(stdout);
  if (!doc) {
    const firstLine = stdout.trim().split('\n')[0] ?? '';
    return { ok: false, error: firstLine ? `no JSON in iperf3 output: ${firstLine.slice(0, 200)}` : 'no output' };
  }
  let json: Iperf3Json;
  try {
    json = JSON.parse(doc.replace(/(:\s*)-?nan\b/g, '$1null')) as Iperf3Json;
  } catch (err) {
    return { ok: false, error: `unreadable iperf3 JSON: ${(err as Error).message}` };
  }
  if (typeof json.error === 'string' && json.error) return { ok: false, error: json.error };
  const protocol = json.start?.test_start?.protocol?.toLowerCase() === 'udp' ? 'udp' : 'tcp';
  const streams = json.start?.test_start?.num_streams ?? 1;
  const end = json.end ?? {};
  const version = typeof json.start?.version === 'string' ? { version: json.start.version } : {};
  if (protocol === 'tcp') {
    const bps = end.sum_received?.bits_per_second;
    if (!isFiniteNumber(bps)) return { ok: false, error: 'iperf3 JSON has no end.sum_received.bits_per_second' };
    return {
      ok: true,
      protocol,
      streams,
      mbps: bps / 1e6,
      ...(isFiniteNumber(end.sum_sent?.retransmits) ? { retransmits: end.sum_sent.retransmits } : {}),
      ...version,
    };
  }
  const udp = readUdp(end, streams);
  const blksize = json.start?.test_start?.blksize;
  return udp.ok ? { ...udp, ...(isFiniteNumber(blksize) && blksize > 0 ? { blksize } : {}), ...version } : udp;
}

/** UDP: the receiver's sum when iperf3 prints one (≥ 3.11), else the sender's `end.sum` less the lost share. */
function readUdp(end: NonNullable<Iperf3Json['end']>, streams: number): Iperf3Outcome {
  const received = end.sum_received && isFiniteNumber(end.sum_received.packets) ? end.sum_received : undefined;
  const sum = end.sum;
  const lostPercent = received?.lost_percent ?? sum?.lost_percent;
  const jitterMs = received?.jitter_ms ?? sum?.jitter_ms;
  let bps = received?.bits_per_second;
  if (!isFiniteNumber(bps) && isFiniteNumber(sum?.bits_per_second)) {
    // Before 3.11 the receiver's rate is the sender's less the lost share; a share outside 0–100 % is the --omit
    // miscount (fixed in 3.14) and would make the figure up.
    if (isFiniteNumber(lostPercent) && (lostPercent < 0 || lostPercent > 100)) {
      return {
        ok: false,
        error: `iperf3 printed no UDP receiver sum (added in 3.11) and an impossible loss of ${lostPercent.toFixed(1)} %: the receiver rate cannot be derived`,
      };
    }
    bps = sum.bits_per_second * (1 - (isFiniteNumber(lostPercent) ? lostPercent : 0) / 100);
  }
  if (!isFiniteNumber(bps)) return { ok: false, error: 'iperf3 JSON has no UDP end.sum' };
  return {
    ok: true,
    protocol: 'udp',
    streams,
    mbps: bps / 1e6,
    ...(isFiniteNumber(lostPercent) ? { lostPercent } : {}),
    ...(isFiniteNumber(jitterMs) ? { jitterMs } : {}),
  };
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/**
 * The first balanced `{…}` of a text, skipping braces inside strings: iperf3 may print warnings after (or,
 * on some errors, before) its JSON document.
 */
export function extractJsonObject(text: string): string | undefined {
  const start = text.indexOf('{');
  if (start < 0) return undefined;
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return text.slice(start, i + 1);
  }
  return undefined;
}

import type { Redis } from 'ioredis';
import type { Rating } from '../commands/ratings.js';
import type { BenchTest, HostUsage } from '../net/bench/bench-types.js';

/** What history keeps of one run: enough for `/cni-bench history` and `compare`, not the raw samples. */
export interface BenchHistoryEntry {
  runId: string;
  jobId: string;
  network: string;
  /** ISO time the run finished. */
  at: string;
  from: string;
  to: string;
  durationMs: number;
  streams: number;
  repeat: number;
  ok: boolean;
  mtu: { underlay: number | null; overlay: number | null; recommended: number | null };
  results: Partial<
    Record<
      BenchTest,
      { bareMbps: number | null; overlayMbps: number | null; ratio: number | null; rating: Rating | null }
    >
  >;
  resources: { overlay?: HostUsage; bare?: HostUsage; idle?: HostUsage };
  chart?: string;
}

/** Runs kept per network. */
export const HISTORY_CAP = 100;

const historyKey = (prefix: string, network: string) => `${prefix}:bench:history:${network}`;

/** Stores a run at the head of its network's list, capped at {@link HISTORY_CAP}. */
export async function saveBenchRun(redis: Redis, entry: BenchHistoryEntry, prefix = 'netops'): Promise<void> {
  const key = historyKey(prefix, entry.network);
  await redis
    .multi()
    .lpush(key, JSON.stringify(entry))
    .ltrim(key, 0, HISTORY_CAP - 1)
    .exec();
}

/** The newest `limit` runs of a network, newest first; entries that do not parse are skipped. */
export async function listBenchRuns(
  redis: Redis,
  network: string,
  limit: number,
  prefix = 'netops',
): Promise<BenchHistoryEntry[]> {
  const raw = await redis.lrange(historyKey(prefix, network), 0, Math.max(0, limit - 1));
  const entries: BenchHistoryEntry[] = [];
  for (const text of raw) {
    try {
      const e = JSON.parse(text) as BenchHistoryEntry;
      if (e && e.network === network && typeof e.at === 'string' && e.results) entries.push(e);
    } catch {
      // A damaged entry should not hide the others.
    }
  }
  return entries;
}

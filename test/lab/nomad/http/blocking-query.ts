import { parseGoDurationNs } from './go-duration.js';
import { HttpError } from './http-error.js';

/**
 * Default and maximum blocking wait. Nomad caps at 300 s in every profiled release (HEAD
 * nomad/structs/structs.go:209-214 MaxBlockingRPCQueryTime/DefaultBlockingRPCQueryTime, v0.9.7 nomad/rpc.go:33-37),
 * although its docs say 10 minutes; Consul's max_query_time is 600 s (agent/config/default.go). The Consul
 * emulator keeps the 600 s default; Nomad routes pass `nomadMaxWaitMs`.
 */
const defaultWaitMs = 5 * 60_000;
export const nomadMaxWaitMs = 5 * 60_000;
const maxWaitMs = 10 * 60_000;

/** The blocking part of a read request: absent when the client did not ask to block. */
export interface BlockingQuery {
  index: number;
  waitMs: number;
}

/**
 * Reads `?index=&wait=` like Nomad's `parseWait` (Consul's is the same): bad values are 400 `Invalid wait
 * time` / `Invalid index`; the wait is capped at 10 min and gets a random jitter of up to wait/16 so that
 * many clients do not wake together.
 */
export function parseBlockingQuery(
  params: URLSearchParams,
  random: () => number = Math.random,
  capMs: number = maxWaitMs,
): BlockingQuery | undefined {
  const waitText = params.get('wait');
  const indexText = params.get('index');
  let waitMs = defaultWaitMs;
  if (waitText !== null) {
    const ns = parseGoDurationNs(waitText);
    if (ns === undefined) throw new HttpError(400, 'Invalid wait time');
    // A wait of 0 or less means the default (QueryOptions.TimeToBlock).
    waitMs = ns <= 0 ? defaultWaitMs : Math.min(ns / 1e6, capMs);
  }
  if (indexText === null) return undefined;
  if (!/^[0-9]+$/.test(indexText)) throw new HttpError(400, 'Invalid index');
  // MinQueryIndex 0 takes the non-blocking fast path (HEAD nomad/rpc.go:853-856).
  if (Number(indexText) === 0) return undefined;
  return { index: Number(indexText), waitMs: waitMs + Math.floor(random() * (waitMs / 16)) };
}

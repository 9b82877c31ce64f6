import { parseGoDurationNs } from './go-duration.js';
import { HttpError } from './http-error.js';

/** Nomad's and Consul's default and maximum blocking wait. */
export const defaultWaitMs = 5 * 60_000;
export const maxWaitMs = 10 * 60_000;

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
): BlockingQuery | undefined {
  const waitText = params.get('wait');
  const indexText = params.get('index');
  let waitMs = defaultWaitMs;
  if (waitText !== null) {
    const ns = parseGoDurationNs(waitText);
    if (ns === undefined) throw new HttpError(400, 'Invalid wait time');
    waitMs = Math.min(ns / 1e6, maxWaitMs);
  }
  if (indexText === null) return undefined;
  if (!/^[0-9]+$/.test(indexText)) throw new HttpError(400, 'Invalid index');
  return { index: Number(indexText), waitMs: waitMs + Math.floor(random() * (waitMs / 16)) };
}

import type { NomadClient } from '../../clients/nomad/index.js';
import type { Evaluation } from '../../clients/nomad/types.js';
import { TimeoutError } from '../../errors.js';

export interface FollowOptions {
  signal: AbortSignal;
  /** Server-side wait of each blocking query. */
  waitMs?: number;
  /** Give up after this long in total. */
  timeoutMs?: number;
}

/** Follows an evaluation with blocking queries until the scheduler is done with it (Status no longer `pending`). */
export async function followEvaluation(nomad: NomadClient, evalId: string, opts: FollowOptions): Promise<Evaluation> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  let index = 0;
  for (;;) {
    const res = await nomad.readEvaluation(evalId, {
      index,
      waitMs: remaining(deadline, opts.waitMs ?? 10_000),
      signal: opts.signal,
    });
    if (res.value.Status !== 'pending') return res.value;
    if (Date.now() >= deadline) throw new TimeoutError(`evaluation ${evalId.slice(0, 8)}`, opts.timeoutMs ?? 60_000);
    index = res.index;
  }
}

/** The wait of the next blocking query: never past the overall deadline, at least one second. */
export function remaining(deadline: number, waitMs: number): number {
  return Math.max(1_000, Math.min(waitMs, deadline - Date.now()));
}

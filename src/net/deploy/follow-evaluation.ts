import { BlockingCursor, type BlockingPacing } from '../../clients/nomad/blocking-cursor.js';
import type { NomadClient } from '../../clients/nomad/index.js';
import type { Evaluation } from '../../clients/nomad/types.js';
import { TimeoutError } from '../../errors.js';

export interface FollowOptions {
  signal: AbortSignal;
  /** Server-side wait of each blocking query. */
  waitMs?: number;
  /** Give up after this long in total. */
  timeoutMs?: number;
  /** Pacing of the blocking loop (defaults: at most 4 queries a second, back-off on a bad index). */
  pacing?: BlockingPacing;
}

/**
 * Follows an evaluation with blocking queries until the scheduler is done with it (Status no longer `pending`).
 * The cursor resets an index that is 0 or goes backwards (such a query cannot block) and paces the loop.
 */
export async function followEvaluation(nomad: NomadClient, evalId: string, opts: FollowOptions): Promise<Evaluation> {
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  const cursor = new BlockingCursor(opts.pacing);
  for (;;) {
    const index = await cursor.next(opts.signal);
    const res = await nomad.readEvaluation(evalId, {
      index,
      waitMs: remaining(deadline, opts.waitMs ?? 10_000),
      signal: opts.signal,
    });
    if (res.value.Status !== 'pending') return res.value;
    if (Date.now() >= deadline) throw new TimeoutError(`evaluation ${evalId.slice(0, 8)}`, opts.timeoutMs ?? 60_000);
    cursor.update(res.index);
  }
}

/** An evaluation followed to its end, through the evaluations that superseded it. */
export interface EvaluationChain {
  evaluation: Evaluation;
  /** IDs of canceled evaluations passed on the way, oldest first. */
  superseded: string[];
}

/**
 * Follows an evaluation; when the leader canceled it because a more recent evaluation of the same job was
 * processed (Nomad 1.4.3+: `canceled after more recent eval was processed`, nomad/leader.go
 * cancelCancelableEvals), follows the evaluation that superseded it: the newest one of the job created after
 * it that is not canceled itself. A cancel with nothing newer is returned as it is.
 */
export async function followEvaluationChain(
  nomad: NomadClient,
  evalId: string,
  jobId: string,
  opts: FollowOptions,
): Promise<EvaluationChain> {
  const superseded: string[] = [];
  let current = await followEvaluation(nomad, evalId, opts);
  while (current.Status === 'canceled' && superseded.length < 10) {
    const next = await findSuccessor(nomad, jobId, current, opts.signal);
    if (!next) break;
    superseded.push(current.ID);
    current = await followEvaluation(nomad, next.ID, opts);
  }
  return { evaluation: current, superseded };
}

async function findSuccessor(
  nomad: NomadClient,
  jobId: string,
  canceled: Evaluation,
  signal: AbortSignal,
): Promise<Evaluation | undefined> {
  const after = canceled.CreateIndex ?? canceled.ModifyIndex ?? 0;
  const evals = await nomad.listJobEvaluations(jobId, { signal });
  return evals
    .filter((e) => e.ID !== canceled.ID && (e.CreateIndex ?? 0) > after && e.Status !== 'canceled')
    .filter((e) => !canceled.Namespace || !e.Namespace || e.Namespace === canceled.Namespace)
    .sort((a, b) => (b.CreateIndex ?? 0) - (a.CreateIndex ?? 0))[0];
}

/** The wait of the next blocking query: never past the overall deadline, at least one second. */
export function remaining(deadline: number, waitMs: number): number {
  return Math.max(1_000, Math.min(waitMs, deadline - Date.now()));
}

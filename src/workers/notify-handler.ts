import { DelayedError, type Job } from 'bullmq';
import { ErrorCode, NetopsError } from '../errors.js';
import type { Logger } from '../logging.js';
import { notifyJobDataSchema } from '../queue/job-data.js';
import type { PaceSlots } from '../queue/pace-slots.js';
import type { Producer } from '../queue/producer.js';
import type { RenderLock } from '../queue/render-lock.js';
import type { RespondBudget } from '../queue/respond-budget.js';
import { type Notifier, retryAfterMsOf } from '../report/notifier.js';
import type { DeliveryStore } from '../stores/delivery-store.js';
import type { JobStore } from '../stores/job-store.js';
import { createPacer } from './notify-pacer.js';
import { createReplyRenderer } from './notify-render.js';

export interface NotifyHandlerDeps {
  store: JobStore;
  notifier: Notifier;
  delivery: DeliveryStore;
  pace: PaceSlots;
  lock: RenderLock;
  budget: RespondBudget;
  producer: Pick<Producer, 'scheduleNotify'>;
  logger: Logger;
  /** Clock, epoch ms. @defaultValue `Date.now` */
  nowMs?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Longer than one render may take (Slack calls time out after 10 s); extended before every call. */
const LOCK_LEASE_MS = 30_000;
/** Rounds of "render, release, re-check" one notify job does before leaving the rest to a fresh one. */
const MAX_ROUNDS = 3;

/**
 * The notify worker: brings a job's one reply message up to date with the latest stored state. Notify jobs only
 * point at a job, so their number and order do not matter: one holder per message renders (a Redis lock), the
 * others leave it to the holder, who re-reads after each render and after releasing the lock. Rendering is paced
 * per message (intermediate steps coalesce), per channel and per workspace; a 429 pauses that channel only, and
 * the notify job waits in the delayed set (no worker is blocked, no attempt is used).
 */
export function createNotifyHandler(deps: NotifyHandlerDeps) {
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const nowMs = deps.nowMs ?? Date.now;
  const pacer = createPacer(deps.pace, deps.delivery, deps.notifier.limits, sleep, nowMs);
  const renderer = createReplyRenderer({ ...deps, pacer, nowMs });

  return async function handle(job: Job, token?: string): Promise<void> {
    const { jobId } = notifyJobDataSchema.parse(job.data);
    const rec = await deps.store.get(jobId);
    if (rec?.reply.kind !== 'slack') return;
    const channel = rec.reply.channel;
    const paused = await deps.pace.pausedFor(`channel:${channel}`);
    if (paused > 0) return delay(job, token, paused);
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const outcome = await renderRound(jobId, channel, lastAttempt, job.id ?? jobId);
      if (outcome === 'done') return;
      if (typeof outcome === 'number') return delay(job, token, outcome);
    }
    await deps.producer.scheduleNotify(jobId, 0, 'continue');
  };

  /**
   * One round under the message's lock: 'done' (shown, or someone else holds the lock and will show it), 'again'
   * (the state moved on while rendering), or the ms to wait before trying again (429 or pacing).
   */
  async function renderRound(
    jobId: string,
    channel: string,
    lastAttempt: boolean,
    notifyJobId: string,
  ): Promise<'done' | 'again' | number> {
    const lock = await deps.lock.acquire(jobId, LOCK_LEASE_MS, notifyJobId);
    // The holder re-reads the state after releasing: what this job was asked to show will be shown.
    if (!lock) return 'done';
    try {
      await renderer.renderLatest(jobId, lock, lastAttempt);
    } catch (err) {
      const waitMs = retryAfterMsOf(err);
      if (waitMs === undefined) throw err;
      if ((err as { pauseChannel?: boolean }).pauseChannel !== false) {
        await deps.pace.pause(`channel:${channel}`, waitMs);
        deps.logger.warn({ jobId, waitMs, channel }, 'slack rate limit: pausing this channel');
      }
      return waitMs;
    } finally {
      await lock.release();
    }
    return (await renderer.isUpToDate(jobId)) ? 'done' : 'again';
  }

  /** Puts the notify job back for later without using an attempt (BullMQ's documented manual delay). */
  async function delay(job: Job, token: string | undefined, ms: number): Promise<void> {
    if (!token) throw new NetopsError(ErrorCode.UpstreamHttp, `notify: retry in ${ms} ms`, { retryable: true });
    await job.moveToDelayed(nowMs() + ms, token);
    throw new DelayedError();
  }
}

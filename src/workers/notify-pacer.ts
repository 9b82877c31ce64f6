import type { PaceSlots } from '../queue/pace-slots.js';
import type { DeliveryLimits } from '../report/notifier.js';
import type { DeliveryStore } from '../stores/delivery-store.js';

/**
 * Waits longer than this are not slept through: the notify job is put back in the queue for later instead (a
 * sleeping job would also hold up a graceful shutdown). One second covers a message's own render interval.
 */
const MAX_SLEEP_MS = 1_000;

/**
 * "Come back later" from the pacer: carries `retryAfterMs` like a platform 429, but is our own spacing, so the
 * channel is not paused for it.
 */
class PaceLaterError extends Error {
  readonly pauseChannel = false;
  constructor(readonly retryAfterMs: number) {
    super(`paced: retry in ${retryAfterMs} ms`);
    this.name = 'PaceLaterError';
  }
}

export type Pacer = ReturnType<typeof createPacer>;

/**
 * Spaces the notify worker's calls by the platform's limits, shared by every process through Redis: one render
 * of a message per `messageIntervalMs` (what arrives meanwhile is coalesced: the render after the wait shows the
 * latest state), message updates per workspace per minute, and posts per channel. Short waits are slept. A long
 * one (many replies queued for one channel or workspace) reserves its slot all the same, keeps it with the job and
 * throws {@link PaceLaterError}: the notify job sleeps in BullMQ's delayed set and, woken at its slot, goes
 * without queueing again, so a flood of replies costs one wake-up each, not one per second each. Without limits
 * (the console) nothing waits.
 */
export function createPacer(
  slots: PaceSlots,
  delivery: Pick<DeliveryStore, 'holdSlot' | 'heldSlot' | 'dropSlot'>,
  limits: DeliveryLimits | undefined,
  sleep: (ms: number) => Promise<void>,
  nowMs: () => number,
) {
  async function take(jobId: string, rate: string, intervalMs: number, burst = 1): Promise<void> {
    const held = await delivery.heldSlot(jobId, rate);
    if (held !== undefined) {
      const left = held - nowMs();
      if (left > MAX_SLEEP_MS) throw new PaceLaterError(left);
      await delivery.dropSlot(jobId, rate);
      // A slot missed by more than one interval (its job woke late, e.g. across a restart) is gone: others have
      // taken the slots since, so going now would burst. Queue again.
      if (left >= -intervalMs) {
        if (left > 0) await sleep(left);
        return;
      }
    }
    const decision = await slots.reserve(rate, { intervalMs, burst, maxWaitMs: Number.MAX_SAFE_INTEGER });
    const waitMs = decision.reserved ? decision.waitMs : decision.retryInMs;
    if (waitMs <= MAX_SLEEP_MS) {
      if (waitMs > 0) await sleep(waitMs);
      return;
    }
    await delivery.holdSlot(jobId, rate, nowMs() + waitMs);
    throw new PaceLaterError(waitMs);
  }
  return {
    /** Waits for the message's next render slot; true when it had to wait (the state should be read again). */
    async waitForMessage(jobId: string): Promise<boolean> {
      if (!limits) return false;
      const decision = await slots.reserve(`message:${jobId}`, {
        intervalMs: limits.messageIntervalMs,
        maxWaitMs: MAX_SLEEP_MS,
      });
      if (!decision.reserved) throw new PaceLaterError(decision.retryInMs);
      if (decision.waitMs > 0) await sleep(decision.waitMs);
      return decision.waitMs > 0;
    },
    async waitForUpdate(jobId: string): Promise<void> {
      if (limits) await take(jobId, 'updates', Math.ceil(60_000 / limits.updatesPerMinute), limits.updateBurst);
    },
    async waitForChannelPost(jobId: string, channel: string): Promise<void> {
      if (limits) await take(jobId, `post:${channel}`, limits.channelPostIntervalMs);
    },
  };
}

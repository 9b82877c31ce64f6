import type { PaceSlots } from '../queue/pace-slots.js';
import type { DeliveryLimits } from '../report/notifier.js';

/** Waits longer than this are not slept through: the notify job is put back in the queue for later instead. */
const MAX_SLEEP_MS = 3_000;

/**
 * "Come back later" from the pacer: carries `retryAfterMs` like a platform 429, but is our own spacing, so the
 * channel is not paused for it.
 */
export class PaceLaterError extends Error {
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
 * latest state), message updates per workspace per minute, and posts per channel. Short waits are slept;
 * longer ones throw {@link PaceLaterError}. Without limits (the console) nothing waits.
 */
export function createPacer(
  slots: PaceSlots,
  limits: DeliveryLimits | undefined,
  sleep: (ms: number) => Promise<void>,
) {
  async function take(name: string, intervalMs: number, burst = 1): Promise<void> {
    const decision = await slots.reserve(name, { intervalMs, burst, maxWaitMs: MAX_SLEEP_MS });
    if (!decision.reserved) throw new PaceLaterError(decision.retryInMs);
    if (decision.waitMs > 0) await sleep(decision.waitMs);
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
    async waitForUpdate(): Promise<void> {
      if (limits) await take('updates', Math.ceil(60_000 / limits.updatesPerMinute), limits.updateBurst);
    },
    async waitForChannelPost(channel: string): Promise<void> {
      if (limits) await take(`post:${channel}`, limits.channelPostIntervalMs);
    },
  };
}

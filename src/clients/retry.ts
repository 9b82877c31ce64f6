import { CancelledError, isNetopsError } from '../errors.js';

/** How often and how patiently a read is repeated. */
export interface RetryPolicy {
  /** Total attempts including the first. @defaultValue 3 */
  attempts: number;
  /** Delay before the second attempt; doubles each time. @defaultValue 200 */
  baseDelayMs: number;
}

/** The read retry policy of the Nomad client: 3 attempts, 200 ms then 400 ms. */
export const DEFAULT_READ_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 200 };

/** Resolves after `ms`, or rejects with CancelledError as soon as `signal` aborts. */
function sleepMs(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError('request aborted'));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CancelledError('request aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs `attempt` until it succeeds, fails with a non-retryable error, or the attempts run out. Only
 * NetopsErrors flagged `retryable` are repeated, so a 4xx or a cancel surfaces at once.
 */
export async function retryWithBackoff<T>(
  attempt: (n: number) => Promise<T>,
  policy: RetryPolicy,
  signal?: AbortSignal,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      const retryable = isNetopsError(err) && err.retryable;
      if (!retryable || n >= policy.attempts || signal?.aborted) throw err;
      await sleepMs(policy.baseDelayMs * 2 ** (n - 1), signal);
    }
  }
}

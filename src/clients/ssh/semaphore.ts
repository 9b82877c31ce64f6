import { CancelledError } from '../../errors.js';

/** A counting semaphore with FIFO waiters that can be aborted. */
export interface Semaphore {
  /** Resolves with a release function once a slot is free. */
  acquire(signal?: AbortSignal): Promise<() => void>;
  readonly active: number;
  readonly queued: number;
  /** Rejects every waiter with CancelledError. */
  rejectAll(reason: string): void;
}

/** Creates a semaphore with `limit` slots. */
export function createSemaphore(limit: number): Semaphore {
  let active = 0;
  const waiters: Array<{ grant: () => void; fail: (err: Error) => void }> = [];

  const makeRelease = () => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      active--;
      const next = waiters.shift();
      if (next) next.grant();
    };
  };

  return {
    get active() {
      return active;
    },
    get queued() {
      return waiters.length;
    },
    acquire(signal) {
      if (signal?.aborted) return Promise.reject(new CancelledError('aborted while waiting for an SSH slot'));
      if (active < limit) {
        active++;
        return Promise.resolve(makeRelease());
      }
      return new Promise((resolve, reject) => {
        const waiter = {
          grant: () => {
            signal?.removeEventListener('abort', onAbort);
            active++;
            resolve(makeRelease());
          },
          fail: (err: Error) => {
            signal?.removeEventListener('abort', onAbort);
            reject(err);
          },
        };
        const onAbort = () => {
          const i = waiters.indexOf(waiter);
          if (i >= 0) waiters.splice(i, 1);
          reject(new CancelledError('aborted while waiting for an SSH slot'));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        waiters.push(waiter);
      });
    },
    rejectAll(reason) {
      for (const w of waiters.splice(0)) w.fail(new CancelledError(reason));
    },
  };
}

import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { DEFAULT_PREFIX } from './names.js';

const UNLOCK_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

const EXTEND_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

/** A held lock: extend it before long steps, release it when done. */
export interface HeldLock {
  extend(): Promise<boolean>;
  release(): Promise<void>;
}

/**
 * One renderer per reply message at a time, across every process: notify jobs of the same job that find the lock
 * taken leave the work to its holder, who re-reads the state after each render. The lease bounds how long a dead
 * holder blocks the message (its notify job is then picked up again as stalled).
 */
export function createRenderLock(redis: Redis, prefix = DEFAULT_PREFIX) {
  const key = (jobId: string) => `${prefix}:job:${jobId}:render-lock`;
  return {
    async acquire(jobId: string, leaseMs: number): Promise<HeldLock | undefined> {
      const token = randomUUID();
      const taken = await redis.set(key(jobId), token, 'PX', leaseMs, 'NX');
      if (taken !== 'OK') return undefined;
      return {
        extend: async () => (await redis.eval(EXTEND_SCRIPT, 1, key(jobId), token, String(leaseMs))) === 1,
        release: async () => {
          await redis.eval(UNLOCK_SCRIPT, 1, key(jobId), token);
        },
      };
    },
  };
}

export type RenderLock = ReturnType<typeof createRenderLock>;

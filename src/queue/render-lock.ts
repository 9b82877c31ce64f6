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
 * Takes the lock when it is free, or when the holder is the same notify job (`owner`) on an earlier attempt: a
 * notify job whose process died is picked up again as stalled, with the same id, and must not wait out its own
 * lease. The value is `owner|token`, so only the holder of the token extends or releases it.
 */
const ACQUIRE_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if current and string.sub(current, 1, string.len(ARGV[3])) ~= ARGV[3] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`;

/**
 * One renderer per reply message at a time, across every process: notify jobs of the same job that find the lock
 * taken leave the work to its holder, who re-reads the state after each render. The lease bounds how long a dead
 * holder blocks the message; its own notify job, picked up again as stalled, takes the lock back at once.
 */
export function createRenderLock(redis: Redis, prefix = DEFAULT_PREFIX) {
  const key = (jobId: string) => `${prefix}:job:${jobId}:render-lock`;
  return {
    /** `owner`: the notify job's id, stable across its attempts. */
    async acquire(jobId: string, leaseMs: number, owner: string = randomUUID()): Promise<HeldLock | undefined> {
      const value = `${owner}|${randomUUID()}`;
      const taken = await redis.eval(ACQUIRE_SCRIPT, 1, key(jobId), value, String(leaseMs), `${owner}|`);
      if (taken !== 1) return undefined;
      return {
        extend: async () => (await redis.eval(EXTEND_SCRIPT, 1, key(jobId), value, String(leaseMs))) === 1,
        release: async () => {
          await redis.eval(UNLOCK_SCRIPT, 1, key(jobId), value);
        },
      };
    },
  };
}

export type RenderLock = ReturnType<typeof createRenderLock>;

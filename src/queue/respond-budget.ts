import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { DEFAULT_PREFIX } from './names.js';

/** Outcome of taking one use of a response URL. */
export interface RespondTake {
  taken: boolean;
  /** Uses so far, this one included when taken. */
  uses: number;
  /** Ms since the previous use; undefined before the first. */
  sinceLastMs?: number;
}

// Check and count in one step: two notify workers must never both take the last use. Time is Redis's.
const TAKE_SCRIPT = `
local maxUses = tonumber(ARGV[1])
local gap = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local h = redis.call('HMGET', KEYS[1], 'uses', 'last')
local uses = tonumber(h[1]) or 0
local last = tonumber(h[2])
local since = -1
if last then since = now - last end
if uses >= maxUses or (last and since < gap) then return {0, uses, since} end
redis.call('HSET', KEYS[1], 'uses', uses + 1, 'last', now)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {1, uses + 1, since}`;

/**
 * Counts the uses of each response URL (a command's, a button press's) across every process: the platform allows
 * only a few, and one URL can serve two jobs (an approval's plan update and its apply job). Keyed by a hash: the
 * URL itself is a secret and is never written to Redis as a key.
 */
export function createRespondBudget(redis: Redis, prefix = DEFAULT_PREFIX) {
  const key = (url: string) => `${prefix}:respond:${createHash('sha256').update(url).digest('hex').slice(0, 32)}`;
  return {
    /**
     * Takes one use if fewer than `maxUses` were taken and the last was at least `minGapMs` ago.
     * @param ttlMs how long the count is kept (past the URL's own lifetime).
     */
    async take(url: string, opts: { maxUses: number; minGapMs: number; ttlMs: number }): Promise<RespondTake> {
      const [taken, uses, since] = (await redis.eval(
        TAKE_SCRIPT,
        1,
        key(url),
        String(opts.maxUses),
        String(opts.minGapMs),
        String(opts.ttlMs),
      )) as [number, number, number];
      return { taken: taken === 1, uses: Number(uses), ...(since >= 0 ? { sinceLastMs: Number(since) } : {}) };
    },
    /** Marks the URL as spent (the platform said so): later takes fail. */
    async spend(url: string, maxUses: number, ttlMs: number): Promise<void> {
      await redis.multi().hset(key(url), 'uses', maxUses).pexpire(key(url), ttlMs).exec();
    },
  };
}

export type RespondBudget = ReturnType<typeof createRespondBudget>;

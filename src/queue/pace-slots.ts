import type { Redis } from 'ioredis';
import { DEFAULT_PREFIX } from './names.js';

/** A rate as an interval between actions plus how many may go at once. */
export interface PaceRule {
  /** Steady-state spacing, in ms (60000 / per-minute rate). */
  intervalMs: number;
  /** Actions allowed back to back before the spacing applies. @defaultValue 1 */
  burst?: number;
  /** Longest wait a caller accepts; a longer one reserves nothing. */
  maxWaitMs: number;
}

/** Outcome of a reservation: act after `waitMs`, or come back in `retryInMs` (nothing was reserved). */
export type PaceDecision = { reserved: true; waitMs: number } | { reserved: false; retryInMs: number };

// GCRA (generic cell rate algorithm): one key holds the theoretical arrival time of the next action. A caller
// reserves the slot it gets (possibly in the future) atomically, so concurrent workers queue up instead of all
// going at once. Time is Redis's, so processes with skewed clocks agree; answers are relative (ms from now).
const RESERVE_SCRIPT = `
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local maxWait = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local tat = tonumber(redis.call('GET', KEYS[1])) or now
if tat < now then tat = now end
local wait = tat - tolerance - now
if wait < 0 then wait = 0 end
if wait > maxWait then return {0, wait} end
redis.call('SET', KEYS[1], tostring(tat + interval), 'PX', math.ceil(tat + interval - now) + 1000)
return {1, wait}`;

// Pauses only ever get longer: a shorter Retry-After seen later does not cut an earlier, longer one.
const PAUSE_SCRIPT = `
local left = redis.call('PTTL', KEYS[1])
if left < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
return 1`;

/**
 * Shared pacing for everything that talks to a rate-limited platform: reservations on named rates (per message,
 * per channel, per workspace method) and pauses (a 429 on one channel pauses that channel only). Backed by Redis
 * so every process sharing the queue shares the budget.
 */
export function createPaceSlots(redis: Redis, prefix = DEFAULT_PREFIX) {
  const key = (name: string) => `${prefix}:pace:${name}`;
  const pauseKey = (name: string) => `${prefix}:pause:${name}`;
  return {
    async reserve(name: string, rule: PaceRule): Promise<PaceDecision> {
      const tolerance = Math.max(0, (rule.burst ?? 1) - 1) * rule.intervalMs;
      const [reserved, ms] = (await redis.eval(
        RESERVE_SCRIPT,
        1,
        key(name),
        String(rule.intervalMs),
        String(tolerance),
        String(rule.maxWaitMs),
      )) as [number, number];
      return reserved === 1 ? { reserved: true, waitMs: Number(ms) } : { reserved: false, retryInMs: Number(ms) };
    },
    /** Nothing on `name` until `ms` from now (a platform's Retry-After). */
    async pause(name: string, ms: number): Promise<void> {
      await redis.eval(PAUSE_SCRIPT, 1, pauseKey(name), String(Math.max(1, Math.ceil(ms))));
    },
    /** How long `name` stays paused, in ms (0: not paused). */
    async pausedFor(name: string): Promise<number> {
      return Math.max(0, await redis.pttl(pauseKey(name)));
    },
  };
}

export type PaceSlots = ReturnType<typeof createPaceSlots>;

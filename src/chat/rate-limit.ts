import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RateLimitSetting } from '../config/env.js';
import type { IncomingCommand, Intake, IntakeResult } from './intake.js';

/** Limits applied before a command reaches the intake. */
export interface RateLimitOptions {
  /** Sustained commands per user and minute (the bucket's refill rate). */
  perUserPerMinute: number;
  /** Commands a user may send at once before the sustained rate applies (the bucket's size). */
  burst: number;
  /** Longest command text accepted, in UTF-8 bytes; longer texts are refused without parsing. */
  maxTextBytes: number;
}

/** Defaults: a person typing fast during an incident never hits them; a script looping on the command does. */
export const DEFAULT_RATE_LIMIT: RateLimitOptions = { perUserPerMinute: 30, burst: 10, maxTextBytes: 4000 };

/** Decision of one bucket take. */
interface TakeResult {
  allowed: boolean;
  /** How long until one more command is allowed (0 when allowed). */
  waitMs: number;
}

/** A token bucket per key; Redis-backed so every bot process shares one budget per user. */
type TokenBucket = (key: string) => Promise<TakeResult>;

export interface RateLimitDeps {
  /** Shared bucket store; without it each process counts on its own. */
  redis?: Redis;
  prefix?: string;
  /** Called for every refused command (metrics). */
  onLimited?: (reason: 'flood' | 'oversized') => void;
  /** Clock of the in-memory bucket. @defaultValue `Date.now` */
  nowMs?: () => number;
}

// Token bucket in one atomic step. Time comes from the Redis server so bot processes with skewed clocks agree.
const TAKE_SCRIPT = `
local cap = tonumber(ARGV[1])
local perMs = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local h = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(h[1]) or cap
local ts = tonumber(h[2]) or now
tokens = math.min(cap, tokens + math.max(0, now - ts) * perMs)
local allowed = 0
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  wait = math.ceil((1 - tokens) / perMs)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(cap / perMs) + 1000)
return {allowed, wait}`;
const TAKE_SHA = createHash('sha1').update(TAKE_SCRIPT).digest('hex');

/**
 * Wraps the intake with a per-user flood limit (token bucket) and a size limit. Both answer with a clear
 * message and nothing is parsed or queued. When the bucket store is unreachable the limiter lets the command
 * through: the intake then answers "queue unavailable" itself, which is the truer message.
 */
export function createRateLimitedIntake(
  intake: Intake,
  opts: RateLimitOptions,
  redisOrDeps?: Redis | RateLimitDeps,
): Intake {
  const deps: RateLimitDeps = isRedis(redisOrDeps) ? { redis: redisOrDeps } : (redisOrDeps ?? {});
  const take =
    deps.redis !== undefined
      ? createRedisBucket(deps.redis, opts, deps.prefix ?? 'netops')
      : createMemoryBucket(opts, deps.nowMs ?? Date.now);
  return async function rateLimitedIntake(cmd: IncomingCommand): Promise<IntakeResult> {
    const bytes = Buffer.byteLength(cmd.text, 'utf8');
    if (bytes > opts.maxTextBytes) {
      deps.onLimited?.('oversized');
      return {
        kind: 'usage',
        message: `That command is too long (${bytes} bytes; the limit is ${opts.maxTextBytes}). Nothing was run.`,
      };
    }
    let decision: TakeResult;
    try {
      decision = await take(cmd.userId);
    } catch {
      decision = { allowed: true, waitMs: 0 };
    }
    if (!decision.allowed) {
      deps.onLimited?.('flood');
      const waitS = Math.max(1, Math.ceil(decision.waitMs / 1000));
      return {
        kind: 'refused',
        message: `Too many commands: the limit is ${opts.perUserPerMinute} a minute (bursts of ${opts.burst}). Nothing was run; try again in ${waitS} s.`,
      };
    }
    return intake(cmd);
  };
}

/** The Redis bucket: one EVALSHA per command (the script is loaded on first use). */
function createRedisBucket(redis: Redis, opts: RateLimitOptions, prefix: string): TokenBucket {
  const perMs = String(opts.perUserPerMinute / 60_000);
  const cap = String(opts.burst);
  return async (key) => {
    const redisKey = `${prefix}:ratelimit:${hashKey(key)}`;
    let reply: unknown;
    try {
      reply = await redis.evalsha(TAKE_SHA, 1, redisKey, cap, perMs);
    } catch (err) {
      if (!String((err as Error).message).includes('NOSCRIPT')) throw err;
      reply = await redis.eval(TAKE_SCRIPT, 1, redisKey, cap, perMs);
    }
    const [allowed, waitMs] = reply as [number, number];
    return { allowed: allowed === 1, waitMs: Number(waitMs) };
  };
}

/** The in-process bucket, for a single bot without a shared Redis (and for unit tests). */
function createMemoryBucket(opts: RateLimitOptions, nowMs: () => number): TokenBucket {
  const perMs = opts.perUserPerMinute / 60_000;
  const buckets = new Map<string, { tokens: number; ts: number }>();
  return async (key) => {
    const now = nowMs();
    const b = buckets.get(key) ?? { tokens: opts.burst, ts: now };
    b.tokens = Math.min(opts.burst, b.tokens + Math.max(0, now - b.ts) * perMs);
    b.ts = now;
    buckets.set(key, b);
    // Full buckets carry no state worth keeping: dropping them bounds memory under many distinct users.
    if (buckets.size > 10_000) for (const [k, v] of buckets) if (v.tokens >= opts.burst) buckets.delete(k);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { allowed: true, waitMs: 0 };
    }
    return { allowed: false, waitMs: Math.ceil((1 - b.tokens) / perMs) };
  };
}

/**
 * The limiter's options from NETOPS_RATE_LIMIT as config/env.ts checked it: each given part over the defaults;
 * `off` disables the limiter; unset keeps the defaults.
 */
export function resolveRateLimit(setting: RateLimitSetting | undefined): RateLimitOptions | undefined {
  if (setting === 'off') return undefined;
  return {
    perUserPerMinute: setting?.perUserPerMinute ?? DEFAULT_RATE_LIMIT.perUserPerMinute,
    burst: setting?.burst ?? DEFAULT_RATE_LIMIT.burst,
    maxTextBytes: setting?.maxTextBytes ?? DEFAULT_RATE_LIMIT.maxTextBytes,
  };
}

// User ids come from the request: hashing keeps hostile ids from shaping Redis keys.
function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 22);
}

function isRedis(v: unknown): v is Redis {
  return typeof v === 'object' && v !== null && typeof (v as { evalsha?: unknown }).evalsha === 'function';
}

import type { Redis } from 'ioredis';
import type { RateLimitSetting } from '../config/env.js';
import { bucketFor, type TakeResult, takeToken } from '../queue/token-bucket.js';
import type { FloodGate, IncomingCommand, Intake, IntakeResult } from './intake.js';

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

/** A token bucket per key, in this process. */
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

/**
 * Wraps the intake with a per-user flood limit (token bucket) and a size limit. Both answer with a clear
 * message and nothing is queued or stored. The size is checked here, before parsing; the token is taken by the
 * intake through the {@link FloodGate} handed to it: with a Redis bucket, a command bound for the queue takes it
 * inside the intake's admission script (with the claim, the record and the audit record, one round trip: issue 15
 * item 2), any other command takes it on its own before its answer. When the bucket store is unreachable a lone
 * take lets the command through: the intake then answers "queue unavailable" itself, the truer message.
 */
export function createRateLimitedIntake(
  intake: Intake,
  opts: RateLimitOptions,
  redisOrDeps?: Redis | RateLimitDeps,
): Intake {
  const deps: RateLimitDeps = isRedis(redisOrDeps) ? { redis: redisOrDeps } : (redisOrDeps ?? {});
  const memory = deps.redis === undefined ? createMemoryBucket(opts, deps.nowMs ?? Date.now) : undefined;
  const refusal = (waitMs: number): IntakeResult => {
    const waitS = Math.max(1, Math.ceil(waitMs / 1000));
    return {
      kind: 'refused',
      limited: true,
      message: `Too many commands: the limit is ${opts.perUserPerMinute} a minute (bursts of ${opts.burst}). Nothing was run; try again in ${waitS} s.`,
    };
  };
  const gateFor = (userId: string): FloodGate => {
    if (memory) return { take: () => memory(userId), refusal };
    const redis = deps.redis as Redis;
    const bucket = bucketFor(userId, { prefix: deps.prefix ?? 'netops', ...opts });
    return {
      bucket,
      take: async () => {
        try {
          return await takeToken(redis, bucket);
        } catch {
          return { allowed: true, waitMs: 0 };
        }
      },
      refusal,
    };
  };
  return async function rateLimitedIntake(cmd: IncomingCommand): Promise<IntakeResult> {
    const bytes = Buffer.byteLength(cmd.text, 'utf8');
    if (bytes > opts.maxTextBytes) {
      deps.onLimited?.('oversized');
      return {
        kind: 'usage',
        message: `That command is too long (${bytes} bytes; the limit is ${opts.maxTextBytes}). Nothing was run.`,
      };
    }
    const result = await intake(cmd, gateFor(cmd.userId));
    if (result.kind === 'refused' && result.limited) deps.onLimited?.('flood');
    return result;
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

function isRedis(v: unknown): v is Redis {
  return typeof v === 'object' && v !== null && typeof (v as { evalsha?: unknown }).evalsha === 'function';
}

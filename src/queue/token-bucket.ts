import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { cachedScript } from './cached-script.js';

/** Decision of one bucket take. */
export interface TakeResult {
  allowed: boolean;
  /** How long until one more command is allowed (0 when allowed). */
  waitMs: number;
}

/** One user's bucket in Redis, as a script takes from it: its key, size and refill rate. */
export interface BucketRef {
  key: string;
  /** The bucket's size (burst). */
  cap: number;
  /** Tokens added per millisecond (sustained rate). */
  perMs: number;
}

/**
 * The token bucket as a Lua function, so the intake's admission script (queue/admit-request.ts) takes the token in
 * the same script as the claim and the record. Time comes from the Redis server so bot processes with skewed
 * clocks agree. Returns allowed (1/0) and the wait in ms.
 */
export const TAKE_TOKEN_LUA = `
local function take_token(key, cap, perMs)
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  local h = redis.call('HMGET', key, 'tokens', 'ts')
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
  redis.call('HSET', key, 'tokens', tostring(tokens), 'ts', tostring(now))
  redis.call('PEXPIRE', key, math.ceil(cap / perMs) + 1000)
  return allowed, wait
end
`;

// The take on its own, for commands that reach no admission script (usage errors, refusals, local answers).
const TAKE_SCRIPT = `${TAKE_TOKEN_LUA}
local allowed, wait = take_token(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]))
return {allowed, wait}`;
const evalTake = cachedScript(TAKE_SCRIPT);

/** The bucket of one user: the key holds a hash of the id, so hostile ids never shape Redis keys. */
export function bucketFor(
  userId: string,
  opts: { prefix: string; perUserPerMinute: number; burst: number },
): BucketRef {
  return {
    key: `${opts.prefix}:ratelimit:${createHash('sha256').update(userId).digest('base64url').slice(0, 22)}`,
    cap: opts.burst,
    perMs: opts.perUserPerMinute / 60_000,
  };
}

/**
 * One take on its own: one EVALSHA (the script is sent whole once, when Redis answers NOSCRIPT). Nothing is
 * queued behind it, so the NOSCRIPT retry's extra round trip reorders nothing.
 */
export async function takeToken(redis: Redis, bucket: BucketRef): Promise<TakeResult> {
  const reply = await evalTake(redis, [bucket.key], [String(bucket.cap), String(bucket.perMs)]);
  const [allowed, waitMs] = reply as [number, number];
  return { allowed: allowed === 1, waitMs: Number(waitMs) };
}

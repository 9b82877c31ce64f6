import type { Redis } from 'ioredis';
import { DEFAULT_PREFIX } from './names.js';

/** How long a request id stays claimed: longer than any replay window (Slack's is 5 minutes) and job retention. */
export const CLAIM_TTL_S = 7 * 24 * 3600;

export type ClaimOutcome = 'new' | 'same' | 'other';

/**
 * The claim as a Lua function, for the intake's admission script (queue/admit-request.ts): the first requester to
 * present an id claims it (`new`); the same requester again is a replay (`same`); anyone else is `other`. A claim
 * is never rewritten, so reading it after the failed SET NX sees the first claimant.
 */
export const CLAIM_REQUEST_LUA = `
local function claim_request(key, owner, ttl)
  if redis.call('SET', key, owner, 'EX', ttl, 'NX') then return 'new' end
  if redis.call('GET', key) == owner then return 'same' end
  return 'other'
end
`;

/** The Redis key of a request id's claim. */
export function claimKey(prefix: string, requestId: string): string {
  return `${prefix}:request:${requestId}`;
}

/**
 * Who a request id (Slack trigger_id, or the signature of a signed body) belongs to. The first requester to
 * present an id claims it; the same requester again is a replay (`same`); a different requester with the same
 * id (`other`) is never taken for a replay of someone else's request.
 */
export function createRequestClaims(redis: Redis, opts: { prefix?: string } = {}) {
  const prefix = opts.prefix ?? DEFAULT_PREFIX;
  return {
    async claim(requestId: string, owner: string): Promise<ClaimOutcome> {
      const set = await redis.set(claimKey(prefix, requestId), owner, 'EX', CLAIM_TTL_S, 'NX');
      if (set === 'OK') return 'new';
      // A claim is never rewritten, so reading it after the failed SET NX sees the first claimant.
      return (await redis.get(claimKey(prefix, requestId))) === owner ? 'same' : 'other';
    },
  };
}

export type RequestClaims = ReturnType<typeof createRequestClaims>;

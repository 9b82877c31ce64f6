import type { Redis } from 'ioredis';
import { DEFAULT_PREFIX } from './names.js';

/** How long a request id stays claimed: longer than any replay window (Slack's is 5 minutes) and job retention. */
const CLAIM_TTL_S = 7 * 24 * 3600;

export type ClaimOutcome = 'new' | 'same' | 'other';

/**
 * Who a request id (Slack trigger_id, or the signature of a signed body) belongs to. The first requester to
 * present an id claims it; the same requester again is a replay (`same`); a different requester with the same
 * id (`other`) is never taken for a replay of someone else's request.
 */
export function createRequestClaims(redis: Redis, opts: { prefix?: string } = {}) {
  const prefix = opts.prefix ?? DEFAULT_PREFIX;
  const key = (requestId: string) => `${prefix}:request:${requestId}`;
  return {
    async claim(requestId: string, owner: string): Promise<ClaimOutcome> {
      const set = await redis.set(key(requestId), owner, 'EX', CLAIM_TTL_S, 'NX');
      if (set === 'OK') return 'new';
      // A claim is never rewritten, so reading it after the failed SET NX sees the first claimant.
      return (await redis.get(key(requestId))) === owner ? 'same' : 'other';
    },
  };
}

export type RequestClaims = ReturnType<typeof createRequestClaims>;

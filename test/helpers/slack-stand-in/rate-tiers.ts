/**
 * Slack's Web API rate limits, modelled as token buckets on the stand-in's clock.
 *
 * Facts: docs.slack.dev/apis/web-api/rate-limits: limits apply "per API method per workspace/team per app":
 * Tier 1 1+/min, Tier 2 20+/min, Tier 3 50+/min ("sporadic bursts are welcome"), Tier 4 100+/min; the special
 * tier of chat.postMessage "generally allows posting one message per second per channel" with short bursts
 * ("Posting messages: 1 per second. Short bursts >1 allowed"). Over the limit Slack answers HTTP 429 with a
 * `Retry-After` header in seconds. Tiers per method from the method pages (slack-ruby/slack-api-ref@f4837c0,
 * docs.slack.dev/methods/<method>.json `rate_limits`): chat.update t3, chat.postEphemeral t4,
 * files.getUploadURLExternal t4, files.completeUploadExternal t4, files.delete t3, conversations.join t3,
 * conversations.info t3, users.info t4, chat.postMessage and auth.test t5 (special).
 *
 * The documented numbers are floors ("50+"); the stand-in enforces exactly them, with small burst allowances
 * (10 for Tier 3, 20 for Tier 4, 3 for a channel), which is stricter than Slack's tolerance and never more
 * forgiving. Response URLs count as message posting like incoming webhooks: 1 per second per URL, same burst.
 */
type Tier = 't1' | 't2' | 't3' | 't4' | 'special';

const TIERS: Record<Exclude<Tier, 'special'>, { perMinute: number; burst: number }> = {
  t1: { perMinute: 1, burst: 1 },
  t2: { perMinute: 20, burst: 5 },
  t3: { perMinute: 50, burst: 10 },
  t4: { perMinute: 100, burst: 20 },
};

/** Tier of each method the stand-in serves (see the file comment for the source of each). */
const METHOD_TIERS: Record<string, Tier> = {
  'auth.test': 't4',
  'chat.postMessage': 'special',
  'chat.update': 't3',
  'chat.postEphemeral': 't4',
  'files.getUploadURLExternal': 't4',
  'files.completeUploadExternal': 't4',
  'files.delete': 't3',
  'conversations.join': 't3',
  'conversations.info': 't3',
  'users.info': 't4',
};

/** One message per second per channel, bursts of 3. */
const CHANNEL_POSTING = { perMinute: 60, burst: 3 };

interface Bucket {
  tokens: number;
  updatedMs: number;
}

export interface RateTiers {
  /** Takes a token for this call; returns the Retry-After in seconds when none is left (the call is refused). */
  take(method: string, channel?: string): number | undefined;
  /** Takes a posting token for a message sent through a response URL (`key` names the URL). */
  takePosting(key: string): number | undefined;
}

/** Buckets per method (workspace-wide) and per channel for message posting. `enabled: false` lets every call pass. */
export function createRateTiers(nowMs: () => number, enabled = true): RateTiers {
  const buckets = new Map<string, Bucket>();

  function takeFrom(key: string, limit: { perMinute: number; burst: number }): number | undefined {
    if (!enabled) return undefined;
    const now = nowMs();
    const refillPerMs = limit.perMinute / 60_000;
    const b = buckets.get(key) ?? { tokens: limit.burst, updatedMs: now };
    b.tokens = Math.min(limit.burst, b.tokens + (now - b.updatedMs) * refillPerMs);
    b.updatedMs = now;
    buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / refillPerMs / 1000));
  }

  return {
    take(method, channel) {
      const tier = METHOD_TIERS[method];
      if (!tier) return undefined;
      if (tier === 'special') {
        if (method !== 'chat.postMessage') return takeFrom(method, TIERS.t4);
        return typeof channel === 'string' ? takeFrom(`post:${channel}`, CHANNEL_POSTING) : undefined;
      }
      return takeFrom(method, TIERS[tier]);
    },
    takePosting: (key) => takeFrom(`post:${key}`, CHANNEL_POSTING),
  };
}

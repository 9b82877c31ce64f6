import { ErrorCode, NetopsError, UpstreamHttpError } from '../../errors.js';
import type { DeliveryProblem } from '../../report/notifier.js';

/** Slack answered 429: the caller (the notify queue) should wait `retryAfterMs` before trying again. */
export class SlackRateLimitedError extends UpstreamHttpError {
  constructor(
    requestName: string,
    readonly retryAfterMs: number,
  ) {
    super(requestName, 429, `rate limited, retry after ${retryAfterMs} ms`, { retryable: true });
  }
}

/** Platform errors (HTTP 200, `ok: false`) that a later attempt may not hit again. */
const retryablePlatformErrors = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

/**
 * Platform errors that mean the bot may not post in this conversation (method pages of chat.postMessage,
 * chat.update, files.completeUploadExternal: slack-ruby/slack-api-ref@f4837c0 docs.slack.dev/methods/*.json):
 * not a member (`not_in_channel`), a private conversation it is not in (`channel_not_found`), an archived or
 * posting-restricted channel. The command's response URL still answers there.
 */
const notMemberErrors = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'restricted_action',
  'restricted_action_read_only_channel',
  'posting_to_channel_denied',
]);

/** Errors about the message itself (same sources): a smaller, plain message may still go through. */
const contentErrors = new Set([
  'invalid_blocks',
  'invalid_blocks_format',
  'msg_blocks_too_long',
  'msg_too_long',
  'no_text',
]);

/** How users get the bot into a conversation; `name` is the bot user's display name. */
function describeInvite(name: string): string {
  return `netops is not a member of this channel: invite it with \`/invite @${name}\``;
}

/** Marks an error with the delivery problem the notify worker handles (and a hint for the user). */
export function withDeliveryProblem<E extends Error>(err: E, problem: DeliveryProblem, userHint?: string): E {
  return Object.assign(err, { deliveryProblem: problem, ...(userHint ? { userHint } : {}) });
}

interface SlackCallError {
  code?: unknown;
  retryAfter?: unknown;
  statusCode?: unknown;
  body?: unknown;
  data?: { error?: unknown };
  message?: unknown;
}

/**
 * Turns an error thrown by `@slack/web-api` into the bot's error catalogue, deciding on the client's error
 * codes (never on message text): 429 -> {@link SlackRateLimitedError}; 5xx -> retryable
 * `UpstreamHttpError`; `ok: false` -> non-retryable `UpstreamHttpError` with status 200 and the Slack error
 * as body (except the few transient ones); transport failures -> retryable `UpstreamUnreachable`.
 */
export function toSlackError(requestName: string, err: unknown, inviteName = 'netops'): unknown {
  if (typeof err !== 'object' || err === null) return err;
  const e = err as SlackCallError;
  switch (e.code) {
    case 'slack_webapi_rate_limited_error':
      return new SlackRateLimitedError(requestName, Math.max(0, Number(e.retryAfter) || 0) * 1000);
    case 'slack_webapi_http_error': {
      const status = typeof e.statusCode === 'number' ? e.statusCode : 0;
      return new UpstreamHttpError(requestName, status, stringifyBody(e.body), { cause: err });
    }
    case 'slack_webapi_platform_error': {
      const error = String(e.data?.error ?? 'unknown_error');
      const mapped = new UpstreamHttpError(requestName, 200, error, {
        retryable: retryablePlatformErrors.has(error),
        cause: err,
      });
      if (notMemberErrors.has(error)) return withDeliveryProblem(mapped, 'not_member', describeInvite(inviteName));
      if (contentErrors.has(error)) return withDeliveryProblem(mapped, 'content_rejected');
      return mapped;
    }
    case 'slack_webapi_request_error':
      return new NetopsError(ErrorCode.UpstreamUnreachable, `${requestName}: ${String(e.message)}`, {
        retryable: true,
        cause: err,
      });
    default:
      return err;
  }
}

/**
 * How long to wait before retrying, in ms, when `err` is a Slack rate limit (ours or the raw client error);
 * undefined for every other error.
 */
export function isRateLimited(err: unknown): number | undefined {
  if (err instanceof SlackRateLimitedError) return err.retryAfterMs;
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as SlackCallError & { retryAfterMs?: unknown };
  if (typeof e.retryAfterMs === 'number') return e.retryAfterMs;
  if (e.code === 'slack_webapi_rate_limited_error' && typeof e.retryAfter === 'number') return e.retryAfter * 1000;
  return undefined;
}

function stringifyBody(body: unknown): string {
  if (body === undefined || body === null) return '';
  return typeof body === 'string' ? body : JSON.stringify(body);
}

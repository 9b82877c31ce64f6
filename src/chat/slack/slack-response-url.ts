import { maskResponseUrls } from '../../logging.js';
import type { RespondTarget } from '../../queue/job-data.js';

/**
 * Slack's limits on a `response_url`: "up to 5 times within 30 minutes" of the interaction
 * (docs.slack.dev/interactivity/handling-user-interaction, "Message responses").
 */
export const SLACK_RESPONSE_URL = { uses: 5, lifetimeMs: 30 * 60_000 } as const;

/**
 * The respond target of a slash command or button press, or nothing when the payload carries no usable URL.
 * The URL came in a request whose signature Bolt verified, so it is Slack's own; it is still a bearer capability
 * and is never logged.
 */
export function toRespondTarget(
  url: unknown,
  kind: RespondTarget['kind'],
  receivedAtMs: number,
): { respond: RespondTarget } | Record<string, never> {
  if (typeof url !== 'string' || !/^https?:\/\/\S+$/.test(url) || url.length > 2000) return {};
  return { respond: { url, kind, expiresAt: receivedAtMs + SLACK_RESPONSE_URL.lifetimeMs } };
}

/**
 * What may be logged about a failed response-URL call: status and error code only. Errors of HTTP clients carry
 * the request (and so the URL) in their fields, so they are never logged as they are.
 */
export function describeRespondFailure(err: unknown): { status?: number; code?: string; message: string } {
  const e = err as { response?: { status?: unknown }; status?: unknown; code?: unknown; message?: unknown };
  const status = typeof e?.response?.status === 'number' ? e.response.status : e?.status;
  return {
    ...(typeof status === 'number' ? { status } : {}),
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
    message: maskResponseUrls(typeof e?.message === 'string' ? e.message : String(err)),
  };
}

import { ErrorCode, NetopsError, UpstreamHttpError } from '../../errors.js';
import type { RespondRef } from '../../report/notifier.js';
import { SlackRateLimitedError, withDeliveryProblem } from './slack-notifier-errors.js';

const REQUEST_NAME = 'slack.response_url';

/** The JSON a response URL takes (docs.slack.dev/interactivity/handling-user-interaction, "Message responses"). */
export interface RespondBody {
  response_type: 'ephemeral' | 'in_channel';
  replace_original: boolean;
  text: string;
  blocks?: unknown[];
}

/**
 * POSTs one answer to a response URL and maps Slack's answer to the bot's errors, never putting the URL in them:
 * 2xx ok; 429 -> SlackRateLimitedError (Retry-After); 404/410 -> the URL is used up or expired (`url_spent`; Slack
 * answers e.g. `expired_url`, `used_url`); 400 -> the message was refused (`content_rejected`: invalid_blocks,
 * msg_blocks_too_long, no_text…); 5xx and network errors -> retryable.
 */
export async function postToResponseUrl(
  fetchFn: typeof fetch,
  target: RespondRef,
  body: RespondBody,
  timeoutMs: number,
): Promise<void> {
  let res: Response;
  try {
    res = await fetchFn(target.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    // The transport error may quote the request; only its code is kept.
    const code = (err as { cause?: { code?: unknown }; name?: unknown })?.cause?.code ?? (err as Error)?.name;
    throw new NetopsError(ErrorCode.UpstreamUnreachable, `${REQUEST_NAME}: ${String(code ?? 'request failed')}`, {
      retryable: true,
    });
  }
  const text = await res.text().catch(() => '');
  if (res.ok) return;
  const error = readError(text);
  if (res.status === 429) {
    const retryAfterS = Number(res.headers.get('retry-after')) || 1;
    throw new SlackRateLimitedError(REQUEST_NAME, retryAfterS * 1000);
  }
  const mapped = new UpstreamHttpError(REQUEST_NAME, res.status, error, { retryable: res.status >= 500 });
  if (res.status === 404 || res.status === 410) throw withDeliveryProblem(mapped, 'url_spent');
  if (res.status === 400) throw withDeliveryProblem(mapped, 'content_rejected');
  throw mapped;
}

/** Slack's error code from a JSON (`{"ok":false,"error":"…"}`) or plain-text answer. */
function readError(text: string): string {
  try {
    const value = JSON.parse(text) as { error?: unknown };
    if (typeof value.error === 'string') return value.error;
  } catch {
    // Plain text, as incoming webhooks answer.
  }
  return text.slice(0, 200);
}

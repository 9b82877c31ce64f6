import type { IncomingMessage, RequestListener, ServerOptions, ServerResponse } from 'node:http';
import type { Logger } from '../../logging.js';

/**
 * Largest request body the HTTP receiver reads. Slack's largest payloads are `block_actions` / `view_submission`
 * ones, which carry the whole message or view: a message holds at most 50 blocks and 40,000 characters of text
 * (api.slack.com/reference/block-kit/blocks: "up to 50 blocks in each message, and 100 blocks in modals";
 * api.slack.com/methods/chat.postMessage: text truncated at 40,000 characters), sent form-encoded (up to 9 bytes
 * a character for percent-encoded UTF-8). That stays near 2 MB even at the limits; 4 MB is Bolt 5.1's own
 * default (`defaultBodyLimit`, slackapi/bolt-js v5.1.0 src/receivers/HTTPModuleFunctions.ts) and leaves room.
 */
export const SLACK_BODY_LIMIT_BYTES = 4 * 1024 * 1024;

/**
 * Slack refuses requests whose timestamp differs from the clock by more than five minutes, either way ("If the
 * absolute value of the difference between the current time and the request timestamp is greater than 5
 * minutes, ignore the request", api.slack.com/authentication/verifying-requests-from-slack). Bolt 5.1 only
 * checks the past side (`verify-request.ts`: `requestTimestampSec < fiveMinutesAgoSec`): this guard adds the
 * future side.
 */
const SLACK_TIMESTAMP_SKEW_S = 5 * 60;

/**
 * Node's own limits for a slow client: all headers within 5 s, the whole request within 10 s, checked every
 * second (Node's default check runs every 30 s, and its request timeout is 300 s). Slack sends a request in one
 * go and gives up on the ack after 3 s, so a request still arriving after 10 s is not Slack's.
 */
export const RECEIVER_SERVER_OPTIONS: ServerOptions = {
  headersTimeout: 5_000,
  requestTimeout: 10_000,
  connectionsCheckingInterval: 1_000,
  keepAliveTimeout: 5_000,
};

export interface ReceiverGuardOptions {
  /** Paths Slack posts to; only POSTs there are checked (health and metrics routes pass). */
  paths: readonly string[];
  maxBodyBytes?: number;
  nowMs?: () => number;
  logger: Logger;
}

/**
 * Wraps the receiver's request listener so nothing unauthenticated is read: a declared body above the cap gets
 * 413, a request without a well-formed Slack signature or with a timestamp outside ±5 minutes gets 401, all
 * from the headers alone, before a byte of the body is read. Bolt then reads what passes under the same cap
 * (its `bodyLimit`, which also stops chunked bodies at the cap). Any answer sent before the body was read in
 * full closes the connection: Node would otherwise read and discard the rest (`IncomingMessage._dump`).
 */
export function guardSlackRequests(inner: RequestListener, opts: ReceiverGuardOptions): RequestListener {
  const maxBodyBytes = opts.maxBodyBytes ?? SLACK_BODY_LIMIT_BYTES;
  const nowMs = opts.nowMs ?? Date.now;
  return (req, res) => {
    res.once('finish', () => {
      if (!req.complete) closeUnread(req);
    });
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (req.method !== 'POST' || !opts.paths.includes(path)) return inner(req, res);
    const refusal = checkHeaders(req, maxBodyBytes, nowMs());
    if (!refusal) return inner(req, res);
    opts.logger.warn({ path, status: refusal.status, reason: refusal.reason }, 'slack request refused before reading');
    refuse(res, refusal.status);
  };
}

/** Why a request is refused from its headers alone, if it is. */
export function checkHeaders(
  req: Pick<IncomingMessage, 'headers'>,
  maxBodyBytes: number,
  nowMs: number,
): { status: 401 | 413; reason: string } | undefined {
  const length = req.headers['content-length'];
  if (length !== undefined && !(/^\d{1,15}$/.test(length) && Number(length) <= maxBodyBytes))
    return { status: 413, reason: `declared body of ${length.slice(0, 20)} bytes above ${maxBodyBytes}` };
  const signature = req.headers['x-slack-signature'];
  if (typeof signature !== 'string' || !/^v0=[0-9a-f]{64}$/.test(signature))
    return { status: 401, reason: 'no well-formed x-slack-signature' };
  const timestamp = req.headers['x-slack-request-timestamp'];
  if (typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp))
    return { status: 401, reason: 'no well-formed x-slack-request-timestamp' };
  const skewS = Math.abs(Math.floor(nowMs / 1000) - Number(timestamp));
  if (skewS > SLACK_TIMESTAMP_SKEW_S) return { status: 401, reason: `timestamp ${skewS} s away from the clock` };
  return undefined;
}

/**
 * Ends a connection whose body was not read: FIN after the answer so the client reads it, and a reset five seconds
 * later if the client keeps sending (a reset at once could destroy the answer in the client's buffer).
 */
function closeUnread(req: IncomingMessage): void {
  req.pause();
  req.socket.end();
  setTimeout(() => req.socket.destroy(), 5_000).unref();
}

function refuse(res: ServerResponse, status: number): void {
  res.writeHead(status, { 'content-length': '0' });
  res.end();
}

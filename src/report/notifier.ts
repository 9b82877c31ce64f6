import type { Report, StatusView } from './model.js';

/** The reply message of one command on a chat platform. */
export interface MessageRef {
  channel: string;
  ts: string;
}

/** Where to post a new reply: the channel, optionally a thread, and the user it answers. */
export interface NotifyTarget {
  channel: string;
  threadTs?: string;
  userId: string;
}

/** A per-request answer URL (Slack's response_url): see `RespondTarget` in queue/job-data.ts. */
export interface RespondRef {
  url: string;
  kind: 'command' | 'action';
}

/** How a message is rendered. */
interface RenderOptions {
  /**
   * Only the status, the report's title and the delivery notes, without the report's blocks: for a platform that
   * refused the full message, so the result still shows instead of an old "running" state.
   */
  plain?: boolean;
}

interface RespondOptions extends RenderOptions {
  /** Replace the message the URL refers to (one message updated in place) instead of adding one. */
  replaceOriginal: boolean;
}

/** What a detail part may keep between attempts (e.g. the id of an uploaded file not shared yet). */
export interface PartContext {
  saved?: string;
  save(value: string): Promise<void>;
}

/**
 * One piece of a final reply's detail (a thread message, a file), posted at most once: the notify worker claims
 * each part by `key` before `send` and settles it after, so a failure later never posts an earlier part again.
 */
export interface DetailPart {
  /** Stable within the job, e.g. `thread-2`, `file-0`. */
  key: string;
  /** What it is, for the user: "detail message 2/3", "chart `bench.png`". */
  label: string;
  /** Whether it goes through the channel's message-posting rate. */
  posts: boolean;
  send(ctx: PartContext): Promise<void>;
  /** Cleans up after the part was given up on (e.g. deletes a file uploaded but never shared). */
  abandon?(saved: string): Promise<void>;
}

/** The platform's rate limits the notify worker paces by. */
export interface DeliveryLimits {
  /** Least time between two renders of one message: intermediate states within it are coalesced. */
  messageIntervalMs: number;
  /** Message updates allowed per minute across the workspace, and how many may go back to back. */
  updatesPerMinute: number;
  updateBurst: number;
  /** Least time between two messages posted into one channel. */
  channelPostIntervalMs: number;
  /** Uses of one response URL. */
  respondUses: number;
}

/**
 * Delivers a command's reply: one message posted once and then updated in place, with long detail and files in
 * its thread; where the bot cannot post, through the command's response URL. Implemented by chat/ (Slack,
 * console); used by the notify worker, which must not know the platform.
 */
export interface Notifier {
  post(target: NotifyTarget, status: StatusView, report?: Report, opts?: RenderOptions): Promise<MessageRef>;
  update(ref: MessageRef, status: StatusView, report?: Report, opts?: RenderOptions): Promise<void>;
  /** The detail of a final report, as parts posted once each (none on platforms without threads). */
  detailParts(ref: MessageRef, report: Report): DetailPart[];
  /** Answers through a response URL; absent on platforms without them. */
  respond?(target: RespondRef, status: StatusView, report: Report | undefined, opts: RespondOptions): Promise<void>;
  /** Rate limits to pace by; absent when the platform has none (the console). */
  limits?: DeliveryLimits;
}

/**
 * Why a delivery failed, when it is one the notify worker handles rather than retries:
 * - `not_member`: the bot may not post there (answer through the response URL instead);
 * - `content_rejected`: the platform refused the message's content (send a plain one instead);
 * - `url_spent`: the response URL is used up or expired.
 */
export type DeliveryProblem = 'not_member' | 'content_rejected' | 'url_spent';

/** The delivery problem a notifier error carries (`deliveryProblem`), if any. */
export function deliveryProblemOf(err: unknown): DeliveryProblem | undefined {
  const p = (err as { deliveryProblem?: unknown } | undefined)?.deliveryProblem;
  return p === 'not_member' || p === 'content_rejected' || p === 'url_spent' ? p : undefined;
}

/** A user-facing hint a notifier error carries (`userHint`), e.g. how to invite the bot. */
export function deliveryHintOf(err: unknown): string | undefined {
  const h = (err as { userHint?: unknown } | undefined)?.userHint;
  return typeof h === 'string' ? h : undefined;
}

/** A notifier error that asks the caller to wait before the next call (Slack 429). */
export function retryAfterMsOf(err: unknown): number | undefined {
  if (typeof err === 'object' && err !== null && 'retryAfterMs' in err) {
    const ms = (err as { retryAfterMs: unknown }).retryAfterMs;
    if (typeof ms === 'number' && ms >= 0) return ms;
  }
  return undefined;
}

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

/**
 * Delivers a command's reply: one message posted once and then updated in place, with long detail and files in
 * its thread. Implemented by chat/ (Slack, console); used by the notify worker, which must not know the platform.
 */
export interface Notifier {
  post(
    target: { channel: string; threadTs?: string; userId: string },
    status: StatusView,
    report?: Report,
  ): Promise<MessageRef>;
  update(ref: MessageRef, status: StatusView, report?: Report): Promise<void>;
  postThread(ref: MessageRef, report: Report): Promise<void>;
  uploadFiles(ref: MessageRef, files: Array<{ path: string; title: string }>): Promise<void>;
}

/** A notifier error that asks the caller to wait before the next call (Slack 429). */
export function retryAfterMsOf(err: unknown): number | undefined {
  if (typeof err === 'object' && err !== null && 'retryAfterMs' in err) {
    const ms = (err as { retryAfterMs: unknown }).retryAfterMs;
    if (typeof ms === 'number' && ms >= 0) return ms;
  }
  return undefined;
}

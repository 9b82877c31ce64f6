import type { Report, StatusView } from '../report/model.js';

/** Where a posted reply lives: a Slack channel and message ts (or `console` and a sequence number). */
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
 * The port the notify worker uses to show a job's progress and result. Implementations: Slack
 * (`createSlackNotifier`) and the terminal (`createConsoleNotifier`).
 */
export interface Notifier {
  /** Posts the one reply message; returns its ref. */
  post(target: NotifyTarget, status: StatusView, report?: Report): Promise<MessageRef>;
  /** Replaces the message's content in place. */
  update(ref: MessageRef, status: StatusView, report?: Report): Promise<void>;
  /** Posts thread detail under the message (once per final result). */
  postThread(ref: MessageRef, report: Report): Promise<void>;
  /** Uploads files (charts) into the message's thread. */
  uploadFiles(ref: MessageRef, files: Array<{ path: string; title: string }>): Promise<void>;
}

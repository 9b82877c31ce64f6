import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { type FetchFunction, type KnownBlock, LogLevel, WebClient } from '@slack/web-api';
import type { Logger } from '../logging.js';
import type { Report, StatusView } from '../report/model.js';
import type { MessageRef, Notifier, NotifyTarget } from './notifier.js';
import { renderSlackMessage, renderSlackThread, type SlackBlock } from './render-slack.js';
import { toSlackError } from './slack-notifier-errors.js';

export { isRateLimited, SlackRateLimitedError } from './slack-notifier-errors.js';

/** Dependencies of the Slack notifier. */
export interface SlackNotifierDeps {
  /** A WebClient built by {@link createSlackWebClient} (no client-side retries or rate-limit waits). */
  client: WebClient;
  logger: Logger;
  /** Clock for the elapsed time of running jobs, epoch ms. @defaultValue `Date.now` */
  nowMs?: () => number;
  /** Reads a chart before upload. @defaultValue `fs.promises.readFile` */
  readFile?: (path: string) => Promise<Buffer>;
}

/**
 * Builds a WebClient that fails fast: a 429 is rejected at once instead of pausing the client's queue, and no
 * call is retried, so the notify queue alone decides when to try again.
 */
export function createSlackWebClient(opts: {
  token: string;
  slackApiUrl?: string;
  /** Per request. @defaultValue 10000 */
  timeoutMs?: number;
  /** Transport; the token health watch wraps it (slack-token-health.ts). @defaultValue `globalThis.fetch` */
  fetch?: FetchFunction;
}): WebClient {
  return new WebClient(opts.token, {
    ...(opts.slackApiUrl ? { slackApiUrl: opts.slackApiUrl } : {}),
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
    // The notifier logs every failed call itself (structured, via pino); the client's console lines would repeat it.
    logLevel: LogLevel.ERROR,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: opts.timeoutMs ?? 10_000,
  });
}

/** Creates the {@link Notifier} that posts and updates the reply message in Slack. */
export function createSlackNotifier(deps: SlackNotifierDeps): Notifier {
  const { client, logger } = deps;
  const nowMs = deps.nowMs ?? Date.now;
  const read = deps.readFile ?? ((path: string) => readFile(path));

  async function call<T>(requestName: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      const mapped = toSlackError(requestName, err);
      logger.warn({ err: mapped, requestName }, 'slack call failed');
      throw mapped;
    }
  }

  return {
    async post(target: NotifyTarget, status: StatusView, report?: Report): Promise<MessageRef> {
      const message = renderSlackMessage(status, report, { nowMs: nowMs() });
      const res = await call('slack.chat.postMessage', () =>
        client.chat.postMessage({
          channel: target.channel,
          ...(target.threadTs ? { thread_ts: target.threadTs } : {}),
          text: message.text,
          blocks: toKnownBlocks(message.blocks),
          unfurl_links: false,
          unfurl_media: false,
        }),
      );
      return { channel: res.channel ?? target.channel, ts: String(res.ts) };
    },

    async update(ref: MessageRef, status: StatusView, report?: Report): Promise<void> {
      const message = renderSlackMessage(status, report, { nowMs: nowMs() });
      await call('slack.chat.update', () =>
        client.chat.update({
          channel: ref.channel,
          ts: ref.ts,
          text: message.text,
          blocks: toKnownBlocks(message.blocks),
        }),
      );
    },

    async postThread(ref: MessageRef, report: Report): Promise<void> {
      const messages = renderSlackThread(report);
      for (const [i, blocks] of messages.entries()) {
        const part = messages.length > 1 ? ` (${i + 1}/${messages.length})` : '';
        await call('slack.chat.postMessage', () =>
          client.chat.postMessage({
            channel: ref.channel,
            thread_ts: ref.ts,
            text: `Details${part}`,
            blocks: toKnownBlocks(blocks),
            unfurl_links: false,
            unfurl_media: false,
          }),
        );
      }
    },

    async uploadFiles(ref: MessageRef, files: Array<{ path: string; title: string }>): Promise<void> {
      if (files.length === 0) return;
      const uploads = await Promise.all(
        files.map(async (file) => ({ file: await read(file.path), filename: basename(file.path), title: file.title })),
      );
      await call('slack.files.uploadV2', () =>
        client.filesUploadV2({ channel_id: ref.channel, thread_ts: ref.ts, file_uploads: uploads }),
      );
    },
  };
}

/** Our block shapes are a structural subset of Slack's; this keeps the one place that relies on that. */
function toKnownBlocks(blocks: SlackBlock[]): KnownBlock[] {
  return blocks as KnownBlock[];
}

import { readFile } from 'node:fs/promises';
import { type FetchFunction, type KnownBlock, LogLevel, WebClient } from '@slack/web-api';
import type { Logger } from '../../logging.js';
import type { Report, StatusView } from '../../report/model.js';
import type { DeliveryLimits, DetailPart, MessageRef, Notifier, NotifyTarget, RespondRef } from '../notifier.js';
import { renderSlackMessage, renderSlackThread, type SlackBlock } from '../render/render-slack.js';
import { createCappedFetch } from './capped-fetch.js';
import { toSlackError } from './slack-notifier-errors.js';
import { postToResponseUrl } from './slack-respond.js';
import { SLACK_RESPONSE_URL } from './slack-response-url.js';
import { createFilePart } from './slack-upload.js';

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
  /** HTTP for response URLs and file uploads. @defaultValue `globalThis.fetch` */
  fetch?: typeof fetch;
  /** The bot user's name, for "invite it with `/invite @name`". @defaultValue 'netops' */
  inviteName?: string;
  /** Per request. @defaultValue 10000 */
  timeoutMs?: number;
}

/**
 * Slack's limits the notify worker paces by (docs.slack.dev/apis/web-api/rate-limits): chat.update is Tier 3
 * (50+ per minute per workspace; a burst of 5 stays well inside Slack's tolerance), chat.postMessage about one
 * message per second per channel; a message is re-rendered at most once a second (intermediate steps coalesce);
 * a response URL takes 5 uses.
 */
const SLACK_DELIVERY_LIMITS: DeliveryLimits = {
  messageIntervalMs: 1_000,
  updatesPerMinute: 50,
  updateBurst: 5,
  channelPostIntervalMs: 1_000,
  respondUses: SLACK_RESPONSE_URL.uses,
};

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
    // Every answer is read under a size cap; `timeout` below is the client's overall deadline per call.
    fetch: createCappedFetch(opts.fetch ?? (globalThis.fetch as unknown as FetchFunction)),
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
  const fetchFn = deps.fetch ?? globalThis.fetch;
  const inviteName = deps.inviteName ?? 'netops';

  async function call<T>(requestName: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      const mapped = toSlackError(requestName, err, inviteName);
      logger.warn({ err: mapped, requestName }, 'slack call failed');
      throw mapped;
    }
  }

  function threadParts(ref: MessageRef, report: Report): DetailPart[] {
    const messages = renderSlackThread(report);
    return messages.map((blocks, i) => {
      const part = messages.length > 1 ? ` ${i + 1}/${messages.length}` : '';
      return {
        key: `thread-${i}`,
        label: `detail message${part}`,
        posts: true,
        async send() {
          await call('slack.chat.postMessage', () =>
            client.chat.postMessage({
              channel: ref.channel,
              thread_ts: ref.ts,
              text: `Details${part ? ` (${part.trim()})` : ''}`,
              blocks: toKnownBlocks(blocks),
              unfurl_links: false,
              unfurl_media: false,
            }),
          );
        },
      };
    });
  }

  return {
    limits: SLACK_DELIVERY_LIMITS,

    async post(target: NotifyTarget, status: StatusView, report, opts = {}): Promise<MessageRef> {
      const message = renderSlackMessage(status, report, { nowMs: nowMs(), plain: opts.plain ?? false });
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

    async update(ref: MessageRef, status: StatusView, report, opts = {}): Promise<void> {
      const message = renderSlackMessage(status, report, { nowMs: nowMs(), plain: opts.plain ?? false });
      await call('slack.chat.update', () =>
        client.chat.update({
          channel: ref.channel,
          ts: ref.ts,
          text: message.text,
          blocks: toKnownBlocks(message.blocks),
        }),
      );
    },

    detailParts(ref: MessageRef, report: Report): DetailPart[] {
      const upload = { client, logger, readFile: read, fetch: fetchFn, call };
      return [
        ...threadParts(ref, report),
        ...(report.files ?? []).map((file, i) => createFilePart(upload, ref, file, i)),
      ];
    },

    async respond(target: RespondRef, status: StatusView, report, opts): Promise<void> {
      const message = renderSlackMessage(status, report, { nowMs: nowMs(), plain: opts.plain ?? false });
      try {
        await postToResponseUrl(
          fetchFn,
          target,
          {
            response_type: 'ephemeral',
            replace_original: opts.replaceOriginal,
            text: message.text,
            blocks: message.blocks,
          },
          deps.timeoutMs ?? 10_000,
        );
      } catch (err) {
        logger.warn({ err, requestName: 'slack.response_url' }, 'slack call failed');
        throw err;
      }
    },
  };
}

/** Our block shapes are a structural subset of Slack's; this keeps the one place that relies on that. */
function toKnownBlocks(blocks: SlackBlock[]): KnownBlock[] {
  return blocks as KnownBlock[];
}

import { basename } from 'node:path';
import type { WebClient } from '@slack/web-api';
import { ErrorCode, NetopsError } from '../../errors.js';
import type { Logger } from '../../logging.js';
import { type DetailPart, deliveryProblemOf, type MessageRef } from '../../report/notifier.js';

export interface UploadDeps {
  client: WebClient;
  logger: Logger;
  readFile: (path: string) => Promise<Buffer>;
  fetch: typeof fetch;
  /** Runs a Web API call with the notifier's error mapping. */
  call: <T>(requestName: string, run: () => Promise<T>) => Promise<T>;
}

/**
 * A chart as a detail part, uploaded with Slack's external flow step by step (docs.slack.dev/messaging/
 * working-with-files#uploading_files): files.getUploadURLExternal, POST the bytes, files.completeUploadExternal
 * into the thread. Unlike `filesUploadV2`, which hides the file id when the last step fails, each step's result
 * is kept: the uploaded file's id is saved with the part, so a retry only repeats the completion (no second
 * upload), and a completion Slack refuses for good (not a member, …) deletes the uploaded file, which would
 * otherwise stay behind private and unshared.
 */
export function createFilePart(
  deps: UploadDeps,
  ref: MessageRef,
  file: { path: string; title: string },
  index: number,
): DetailPart {
  const filename = basename(file.path);
  const remove = async (fileId: string) => {
    await deps
      .call('slack.files.delete', () => deps.client.files.delete({ file: fileId }))
      .catch((err: unknown) => deps.logger.warn({ err, fileId }, 'could not delete an unshared upload'));
  };
  return {
    key: `file-${index}`,
    label: `chart \`${filename}\``,
    posts: true,
    async send(ctx) {
      let fileId = ctx.saved;
      if (!fileId) {
        fileId = await upload(deps, file.path, filename);
        await ctx.save(fileId);
      }
      try {
        await deps.call('slack.files.completeUploadExternal', () =>
          deps.client.files.completeUploadExternal({
            files: [{ id: fileId, title: file.title }],
            channel_id: ref.channel,
            thread_ts: ref.ts,
          }),
        );
      } catch (err) {
        // Refused for good: the upload will never be shared, so it must not stay behind.
        if (deliveryProblemOf(err) || !(err as { retryable?: boolean }).retryable) await remove(fileId);
        throw err;
      }
    },
    abandon: remove,
  };
}

async function upload(deps: UploadDeps, path: string, filename: string): Promise<string> {
  const bytes = await deps.readFile(path);
  const ticket = await deps.call('slack.files.getUploadURLExternal', () =>
    deps.client.files.getUploadURLExternal({ filename, length: bytes.length }),
  );
  if (!ticket.upload_url || !ticket.file_id) {
    throw new NetopsError(ErrorCode.UpstreamHttp, 'slack.files.getUploadURLExternal: no upload_url', {
      retryable: true,
    });
  }
  const res = await deps
    .fetch(ticket.upload_url, { method: 'POST', body: new Uint8Array(bytes), signal: AbortSignal.timeout(30_000) })
    .catch((err: unknown) => {
      throw new NetopsError(ErrorCode.UpstreamUnreachable, `slack file upload: ${(err as Error).message}`, {
        retryable: true,
      });
    });
  await res.body?.cancel();
  if (!res.ok) {
    throw new NetopsError(ErrorCode.UpstreamHttp, `slack file upload: HTTP ${res.status}`, {
      retryable: res.status >= 500 || res.status === 429,
    });
  }
  return ticket.file_id;
}

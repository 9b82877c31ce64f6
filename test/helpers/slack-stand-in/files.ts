import { randomBytes } from 'node:crypto';
import type { Conversations } from './conversations.js';
import { fail, ok, type StubReply } from './http-body.js';

/**
 * The external upload flow and the files it leaves behind.
 *
 * Facts (docs.slack.dev/messaging/working-with-files#uploading_files, method pages in slack-ruby/slack-api-ref@f4837c0):
 * files.getUploadURLExternal(filename, length) returns `upload_url` + `file_id`; the bytes are POSTed to the URL;
 * files.completeUploadExternal(files=[{id,title}], channel_id, thread_ts) finishes the upload and shares the file.
 * Without `channel_id` the file stays private to the uploader. completeUploadExternal needs the bot in the channel
 * (`not_in_channel`: "User/bot membership is required for the specified channel"; `channel_not_found`), and
 * `file_not_found` ("Could not find the file from the upload ticket") when the bytes never arrived. A failed
 * completion leaves the uploaded file in the workspace, private and unshared: an orphan only files.delete removes
 * (files.delete: `file_not_found`, `cant_delete_file`).
 */
export interface StubFile {
  id: string;
  filename: string;
  length: number;
  /** Bytes received at the upload URL; undefined until then. */
  bytes?: number;
  title?: string;
  channel?: string;
  threadTs?: string;
  shared: boolean;
  deleted: boolean;
}

/** A file shared into a channel (the stand-in's older, simpler view). */
export interface StubUpload {
  filename: string;
  bytes: number;
  channel: string;
  threadTs: string | undefined;
}

export interface StubFiles {
  files: StubFile[];
  uploads: StubUpload[];
  getUploadUrl(body: Record<string, unknown>, baseUrl: string): StubReply;
  receiveBytes(fileId: string, bytes: number): StubReply;
  complete(body: Record<string, unknown>, conversations: Conversations, scopes: ReadonlySet<string>): StubReply;
  remove(body: Record<string, unknown>): StubReply;
  /** Uploaded files that were never shared nor deleted. */
  orphans(): StubFile[];
}

export function createStubFiles(): StubFiles {
  const files: StubFile[] = [];
  const uploads: StubUpload[] = [];
  const find = (id: unknown) => files.find((f) => f.id === id && !f.deleted);

  return {
    files,
    uploads,
    getUploadUrl(body, baseUrl) {
      const length = Number(body.length);
      if (typeof body.filename !== 'string' || !Number.isInteger(length) || length <= 0)
        return fail('invalid_arguments');
      const id = `F${randomBytes(5).toString('hex').toUpperCase()}`;
      files.push({ id, filename: body.filename, length, shared: false, deleted: false });
      return ok({ upload_url: `${baseUrl}upload/${id}`, file_id: id });
    },
    receiveBytes(fileId, bytes) {
      const file = find(fileId);
      if (!file) return { status: 404, body: { ok: false, error: 'file_not_found' } };
      file.bytes = bytes;
      return ok();
    },
    complete(body, conversations, scopes) {
      const list = Array.isArray(body.files) ? (body.files as Array<{ id?: unknown; title?: unknown }>) : [];
      if (list.length === 0) return fail('invalid_arguments');
      const pending = list.map((f) => find(f.id));
      if (pending.some((p) => p?.bytes === undefined || p.shared)) return fail('file_not_found');
      if (body.channel_id !== undefined) {
        const problem = conversations.check(body.channel_id, 'member', scopes);
        if (problem) return fail(problem);
      }
      const threadTs = typeof body.thread_ts === 'string' ? body.thread_ts : undefined;
      for (const [i, file] of pending.entries()) {
        const f = file as StubFile;
        f.title = typeof list[i]?.title === 'string' ? (list[i]?.title as string) : f.filename;
        if (body.channel_id === undefined) continue;
        Object.assign(f, { shared: true, channel: String(body.channel_id), threadTs });
        uploads.push({ filename: f.filename, bytes: f.bytes ?? 0, channel: String(body.channel_id), threadTs });
      }
      return ok({ files: list.map((f) => ({ id: f.id, title: f.title })) });
    },
    remove(body) {
      const file = find(body.file);
      if (!file) return fail('file_not_found');
      file.deleted = true;
      return ok();
    },
    orphans: () => files.filter((f) => f.bytes !== undefined && !f.shared && !f.deleted),
  };
}

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for Slack's Web API on 127.0.0.1: a real HTTP server that the real `WebClient` talks to (point
 * `slackApiUrl` at `url`). It keeps every call, the messages with their edits, and uploaded files, and can be
 * told to fail the next calls of a method the way Slack does (429 with Retry-After, 5xx, `ok: false`).
 */
export interface SlackApiStub {
  /** Base URL ending in `/api/`. */
  url: string;
  calls: StubCall[];
  messages: Map<string, StubMessage>;
  uploads: StubUpload[];
  failNext(method: string, failure: StubFailure, times?: number): void;
  /** Token validity (i13-front): from now on every call with `token` answers `error`, as Slack does for a revoked one. */
  setTokenError(token: string, error: TokenError): void;
  close(): Promise<void>;
}

export interface StubCall {
  method: string;
  body: Record<string, unknown>;
  headers: Record<string, string>;
  at: number;
}

export interface StubMessage {
  channel: string;
  text: string;
  blocks: unknown[];
  threadTs: string | undefined;
  updates: number;
}

export interface StubUpload {
  filename: string;
  bytes: number;
  channel: string;
  threadTs: string | undefined;
}

export type StubFailure = { status: 429; retryAfterS: number } | { status: 500 } | { error: string };

export interface SlackApiStubOptions {
  /** Channels that exist; others answer `channel_not_found`. Default: every channel exists. */
  channels?: string[];
  /** The only accepted token. Default: any `xoxb-` token. */
  token?: string;
}

interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body: Record<string, unknown>;
}

type Handler = (body: Record<string, unknown>) => Reply;

interface PendingFile {
  filename: string;
  length: number;
  bytes?: number;
}

/** Starts the stub on a free port. Close it in `afterAll`/`afterEach`. */
export async function startSlackApiStub(opts: SlackApiStubOptions = {}): Promise<SlackApiStub> {
  const calls: StubCall[] = [];
  const messages = new Map<string, StubMessage>();
  const uploads: StubUpload[] = [];
  const failures = new Map<string, StubFailure[]>();
  const pendingFiles = new Map<string, PendingFile>();
  const tokenErrors = new Map<string, TokenError>();
  let seq = 0;
  let baseUrl = '';

  const nextTs = () => {
    seq += 1;
    return `${1_700_000_000 + Math.floor(seq / 10_000)}.${String((seq % 10_000) * 100).padStart(6, '0')}`;
  };
  const ok = (body: Record<string, unknown> = {}): Reply => ({ body: { ok: true, ...body } });
  const fail = (error: string): Reply => ({ body: { ok: false, error } });
  const channelExists = (channel: unknown) =>
    typeof channel === 'string' && channel !== '' && (!opts.channels || opts.channels.includes(channel));

  const handlers: Record<string, Handler> = {
    'auth.test': () =>
      ok({
        url: 'https://stub.slack.com/',
        team: 'stub',
        user: 'netops',
        team_id: 'T0001',
        user_id: 'U0BOT',
        bot_id: 'B0BOT',
        is_enterprise_install: false,
      }),
    'chat.postMessage': (body) => {
      if (!channelExists(body.channel)) return fail('channel_not_found');
      if (body.text === undefined && body.blocks === undefined) return fail('no_text');
      const ts = nextTs();
      const threadTs = typeof body.thread_ts === 'string' ? body.thread_ts : undefined;
      messages.set(ts, {
        channel: String(body.channel),
        text: String(body.text ?? ''),
        blocks: Array.isArray(body.blocks) ? body.blocks : [],
        threadTs,
        updates: 0,
      });
      return ok({
        channel: body.channel,
        ts,
        message: { text: body.text, ts, ...(threadTs ? { thread_ts: threadTs } : {}) },
      });
    },
    'chat.update': (body) => {
      if (!channelExists(body.channel)) return fail('channel_not_found');
      const message = messages.get(String(body.ts));
      if (!message || message.channel !== body.channel) return fail('message_not_found');
      if (body.text !== undefined) message.text = String(body.text);
      if (Array.isArray(body.blocks)) message.blocks = body.blocks;
      message.updates += 1;
      return ok({ channel: body.channel, ts: body.ts, text: message.text });
    },
    'chat.postEphemeral': (body) => {
      if (!channelExists(body.channel)) return fail('channel_not_found');
      if (typeof body.user !== 'string') return fail('user_not_found');
      return ok({ message_ts: nextTs() });
    },
    'files.getUploadURLExternal': (body) => {
      const length = Number(body.length);
      if (typeof body.filename !== 'string' || !Number.isInteger(length) || length <= 0)
        return fail('invalid_arguments');
      const fileId = `F${randomBytes(5).toString('hex').toUpperCase()}`;
      pendingFiles.set(fileId, { filename: body.filename, length });
      return ok({ upload_url: `${baseUrl}upload/${fileId}`, file_id: fileId });
    },
    'files.completeUploadExternal': (body) => {
      const files = Array.isArray(body.files) ? (body.files as Array<{ id?: unknown; title?: unknown }>) : [];
      if (files.length === 0) return fail('invalid_arguments');
      if (body.channel_id !== undefined && !channelExists(body.channel_id)) return fail('channel_not_found');
      const pending = files.map((f) => pendingFiles.get(String(f.id)));
      if (pending.some((p) => p?.bytes === undefined)) return fail('file_not_found');
      for (const p of pending) {
        uploads.push({
          filename: p!.filename,
          bytes: p!.bytes!,
          channel: String(body.channel_id ?? ''),
          threadTs: typeof body.thread_ts === 'string' ? body.thread_ts : undefined,
        });
      }
      return ok({ files: files.map((f) => ({ id: f.id, title: f.title })) });
    },
    'users.info': (body) =>
      typeof body.user === 'string'
        ? ok({ user: { id: body.user, name: body.user.toLowerCase(), real_name: `User ${body.user}`, is_bot: false } })
        : fail('user_not_found'),
    'conversations.info': (body) =>
      channelExists(body.channel)
        ? ok({ channel: { id: body.channel, name: `chan-${String(body.channel).toLowerCase()}`, is_channel: true } })
        : fail('channel_not_found'),
  };

  const handleUpload = (fileId: string, req: IncomingMessage, raw: Buffer): Reply => {
    const pending = pendingFiles.get(fileId);
    if (!pending) return { status: 404, body: { ok: false, error: 'file_not_found' } };
    pending.bytes = extractUploadBytes(req.headers['content-type'] ?? '', raw);
    return { body: { ok: true } };
  };

  const server = createServer(async (req, res) => {
    const raw = await readBody(req);
    const path = new URL(req.url ?? '/', 'http://stub').pathname;
    const upload = /^\/api\/upload\/([A-Z0-9]+)$/.exec(path);
    const method = upload ? 'upload' : path.replace(/^\/api\//, '');
    const body = upload ? { bytes: raw.length } : parseBody(req.headers['content-type'] ?? '', raw);
    calls.push({ method, body, headers: flattenHeaders(req), at: Date.now() });
    const queued = failures.get(method);
    const failure = queued?.shift();
    if (failure) return send(res, failureReply(failure));
    if (upload) return send(res, handleUpload(upload[1]!, req, raw));
    const tokenError = checkToken(req, body, opts.token, tokenErrors);
    if (tokenError) return send(res, fail(tokenError));
    const handler = handlers[method];
    send(res, handler ? handler(body) : fail('unknown_method'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;

  return {
    url: baseUrl,
    calls,
    messages,
    uploads,
    failNext(method, failure, times = 1) {
      const queued = failures.get(method) ?? [];
      queued.push(...Array.from({ length: times }, () => failure));
      failures.set(method, queued);
    },
    setTokenError(token, error) {
      tokenErrors.set(token, error);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

function failureReply(failure: StubFailure): Reply {
  if ('error' in failure) return { body: { ok: false, error: failure.error } };
  if (failure.status === 429) {
    return {
      status: 429,
      headers: { 'retry-after': String(failure.retryAfterS) },
      body: { ok: false, error: 'ratelimited' },
    };
  }
  return { status: failure.status, body: { ok: false, error: 'internal_error' } };
}

// ---- Token validity (i13-front) -------------------------------------------------------------------------------
// Every Web API method checks the token first and answers HTTP 200 with ok:false (slack-ruby/slack-api-ref
// methods/auth/auth.test.json @f4837c0c lists the same errors on every method): not_authed without a token,
// invalid_auth for one Slack does not know, token_revoked / account_inactive / token_expired for one that stopped
// working.

/** The errors Slack gives for a token that is not (or no longer) accepted. */
export type TokenError = 'invalid_auth' | 'token_revoked' | 'account_inactive' | 'token_expired';

/** The token error of a request, or undefined when its token is accepted. */
function checkToken(
  req: IncomingMessage,
  body: Record<string, unknown>,
  expected: string | undefined,
  tokenErrors: Map<string, TokenError>,
): string | undefined {
  const header = req.headers.authorization ?? '';
  const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : String(body.token ?? '');
  if (token === '') return 'not_authed';
  const stopped = tokenErrors.get(token);
  if (stopped) return stopped;
  const known = expected ? token === expected : /^xoxb-[\w-]+$/.test(token);
  return known ? undefined : 'invalid_auth';
}
// ---- end of token validity -------------------------------------------------------------------------------------

function send(res: ServerResponse, reply: Reply): void {
  res.writeHead(reply.status ?? 200, { 'content-type': 'application/json; charset=utf-8', ...reply.headers });
  res.end(JSON.stringify(reply.body));
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** WebClient sends form-encoded bodies whose object fields (blocks, files) are JSON strings; others send JSON. */
function parseBody(contentType: string, raw: Buffer): Record<string, unknown> {
  const text = raw.toString('utf8');
  if (text === '') return {};
  if (contentType.includes('application/json')) return JSON.parse(text) as Record<string, unknown>;
  const body: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) body[key] = decodeJsonField(value);
  return body;
}

function decodeJsonField(value: string): unknown {
  if (!/^[[{]/.test(value)) return value;
  try {
    return JSON.parse(value);
  } catch {
    // Not JSON after all (a text that starts with a bracket): keep it as sent.
    return value;
  }
}

/** The file's bytes: the first part of a multipart body (WebClient's upload), or the raw body otherwise. */
function extractUploadBytes(contentType: string, raw: Buffer): number {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  if (!boundary) return raw.length;
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const start = raw.indexOf(delimiter);
  const headerEnd = raw.indexOf('\r\n\r\n', start);
  const end = raw.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd);
  if (start < 0 || headerEnd < 0 || end < 0) return raw.length;
  return end - (headerEnd + 4);
}

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

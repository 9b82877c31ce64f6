import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Conversations, createConversations, type StubConversation } from './slack-stand-in/conversations.js';
import { createStubFiles, type StubFile, type StubUpload } from './slack-stand-in/files.js';
import {
  extractUploadBytes,
  fail,
  flattenHeaders,
  parseBody,
  readBody,
  type StubReply,
  send,
  tokenOf,
} from './slack-stand-in/http-body.js';
import { createRateTiers } from './slack-stand-in/rate-tiers.js';
import { createResponseUrls, type StubEphemeral, type StubResponseUrl } from './slack-stand-in/response-urls.js';
import { createMethodHandlers, METHOD_SCOPES, type StubMessage } from './slack-stand-in/web-api-methods.js';

/**
 * A stand-in for Slack's Web API and response URLs on 127.0.0.1: a real HTTP server that the real `WebClient`
 * talks to (point `slackApiUrl` at `url`). It answers as Slack documents (each rule cites its source in
 * slack-stand-in/*): conversation membership and `chat:write.public`, Block Kit limits, rate tiers with 429 +
 * Retry-After, the external file upload flow (and the orphans a failed completion leaves), response URLs with their
 * 30 minutes / 5 uses, ephemeral messages, token validity. It keeps every call, the messages with their edits,
 * ephemerals and files, and can be told to answer differently through interceptors.
 *
 * Extension points for other scenarios: `intercept()` (any answer before the normal handling, e.g. `auth.test`
 * variants), `setTokenState()` (invalid_auth / token_revoked / account_inactive), `setConversation()`
 * (invite or remove the bot mid-test), `advanceClock()` (expire response URLs, refill rate buckets).
 */
export interface SlackApiStub {
  /** Base URL ending in `/api/`. */
  url: string;
  calls: StubCall[];
  /** Channel messages by ts (thread replies included). */
  messages: Map<string, StubMessage>;
  /** Ephemeral messages (chat.postEphemeral or response URLs), visible to one user each. */
  ephemerals: StubEphemeral[];
  /** Files shared into channels. */
  uploads: StubUpload[];
  /** Every file ever uploaded, shared or not. */
  files: StubFile[];
  responseUrls: StubResponseUrl[];
  /** Calls answered 429, per method. */
  rateLimited: StubCall[];
  failNext(method: string, failure: StubFailure, times?: number): void;
  /** Runs before the normal handling of every Web API call; a returned reply is sent instead. */
  intercept(fn: Interceptor): void;
  /** Makes every later call with this token fail like Slack does for a dead token. */
  setTokenState(token: string, error: 'invalid_auth' | 'token_revoked' | 'account_inactive' | 'token_expired'): void;
  setConversation(id: string, conversation: StubConversation): void;
  /** A response URL as Slack puts in a slash command or `block_actions` payload. */
  issueResponseUrl(opts: {
    kind: 'command' | 'action';
    channel: string;
    user: string;
    messageTs?: string;
    ephemeralId?: string;
  }): string;
  /** Files uploaded but never shared nor deleted. */
  orphanFiles(): StubFile[];
  advanceClock(ms: number): void;
  close(): Promise<void>;
}

interface StubCall {
  method: string;
  body: Record<string, unknown>;
  headers: Record<string, string>;
  at: number;
}

type StubFailure = { status: 429; retryAfterS: number } | { status: 500 } | { error: string };

type Interceptor = (call: StubCall) => StubReply | undefined;

export interface SlackApiStubOptions {
  /** Public channels the bot is in; any other conversation answers `channel_not_found`. */
  channels?: string[];
  /** Conversations by id with type and membership. Without these and `channels`, every `C…` id is a public channel the bot is in. */
  conversations?: Record<string, StubConversation>;
  /** The only accepted token. Default: any `xoxb-` token. */
  token?: string;
  /** Bot scopes granted. Default: the manifest's `commands`, `chat:write`, `files:write`. */
  scopes?: string[];
  /** Enforce rate tiers. @defaultValue true */
  rateLimits?: boolean;
}

/** The scopes deploy/slack-app-manifest.yaml requests. */
const MANIFEST_SCOPES = ['commands', 'chat:write', 'files:write'];

/** Starts the stand-in on a free port. Close it in `afterAll`/`afterEach`. */
export async function startSlackApiStub(opts: SlackApiStubOptions = {}): Promise<SlackApiStub> {
  const calls: StubCall[] = [];
  const rateLimited: StubCall[] = [];
  const messages = new Map<string, StubMessage>();
  const ephemerals: StubEphemeral[] = [];
  const interceptors: Interceptor[] = [];
  const tokenStates = new Map<string, string>();
  const scopes = new Set(opts.scopes ?? MANIFEST_SCOPES);
  const conversations: Conversations = createConversations(opts.conversations, opts.channels);
  let clockOffsetMs = 0;
  const nowMs = () => Date.now() + clockOffsetMs;
  const rate = createRateTiers(nowMs, opts.rateLimits ?? true);
  const files = createStubFiles();
  let seq = 0;
  let origin = '';

  const nextTs = () => {
    seq += 1;
    return `${1_700_000_000 + Math.floor(seq / 10_000)}.${String((seq % 10_000) * 100).padStart(6, '0')}`;
  };
  const nextEphemeralId = () => `E${randomBytes(5).toString('hex').toUpperCase()}`;
  const handlers = createMethodHandlers({
    conversations,
    scopes,
    messages,
    ephemerals,
    files,
    baseUrl: () => `${origin}/api/`,
    nextTs,
    nextEphemeralId,
  });
  const responses = createResponseUrls(() => `${origin}/`, {
    nowMs,
    rate,
    ephemerals,
    postChannelMessage(channel, text, blocks) {
      const ts = nextTs();
      messages.set(ts, { channel, text, blocks, threadTs: undefined, updates: 0 });
      return ts;
    },
    replaceChannelMessage(ts, text, blocks) {
      const m = messages.get(ts);
      if (!m || m.deleted) return false;
      Object.assign(m, { text, blocks, updates: m.updates + 1 });
      return true;
    },
    deleteChannelMessage(ts) {
      const m = messages.get(ts);
      if (m) m.deleted = true;
    },
  });

  function answerApi(method: string, req: IncomingMessage, call: StubCall): StubReply {
    const auth = checkToken(tokenOf(req, call.body), opts.token, tokenStates);
    if (auth) return fail(auth);
    const needed = METHOD_SCOPES[method];
    if (needed && !scopes.has(needed)) return { body: { ok: false, error: 'missing_scope', needed } };
    const handler = handlers[method];
    if (!handler) return fail('unknown_method');
    const channel = typeof call.body.channel === 'string' ? call.body.channel : undefined;
    const waitS = rate.take(method, channel);
    if (waitS !== undefined) {
      rateLimited.push(call);
      return { status: 429, headers: { 'retry-after': String(waitS) }, body: { ok: false, error: 'ratelimited' } };
    }
    return handler(call.body);
  }

  const server = createServer(async (req, res) => {
    const raw = await readBody(req);
    const path = new URL(req.url ?? '/', 'http://stub').pathname;
    const contentType = req.headers['content-type'] ?? '';
    const upload = /^\/api\/upload\/([A-Z0-9]+)$/.exec(path);
    const response = /^\/response\/([0-9a-f]+)$/.exec(path);
    const method = upload ? 'upload' : response ? 'response_url' : path.replace(/^\/api\//, '');
    const body = upload ? { bytes: raw.length } : response ? safeJson(raw) : parseBody(contentType, raw);
    const call: StubCall = { method, body, headers: flattenHeaders(req), at: Date.now() };
    calls.push(call);
    for (const fn of interceptors) {
      const reply = fn(call);
      if (reply) return send(res, reply);
    }
    if (upload) return send(res, files.receiveBytes(upload[1]!, extractUploadBytes(contentType, raw)));
    if (response) return send(res, responses.handle(response[1]!, raw.toString('utf8')));
    send(res, answerApi(method, req, call));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: `${origin}/api/`,
    calls,
    messages,
    ephemerals,
    uploads: files.uploads,
    files: files.files,
    responseUrls: responses.list,
    rateLimited,
    failNext(method, failure, times = 1) {
      let left = times;
      interceptors.push((call) => {
        if (call.method !== method || left <= 0) return undefined;
        left -= 1;
        return failureReply(failure);
      });
    },
    intercept: (fn) => interceptors.push(fn),
    setTokenState: (token, error) => tokenStates.set(token, error),
    setConversation: (id, conversation) => conversations.set(id, conversation),
    issueResponseUrl: (o) => responses.issue(o),
    orphanFiles: () => files.orphans(),
    advanceClock(ms) {
      clockOffsetMs += ms;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

function failureReply(failure: StubFailure): StubReply {
  if ('error' in failure) return fail(failure.error);
  if (failure.status === 429) {
    return {
      status: 429,
      headers: { 'retry-after': String(failure.retryAfterS) },
      body: { ok: false, error: 'ratelimited' },
    };
  }
  return { status: failure.status, body: { ok: false, error: 'internal_error' } };
}

/**
 * Token checks as Slack answers them (docs.slack.dev/authentication/token-types, method pages' errors):
 * `not_authed` when no token was sent, `invalid_auth` for a token Slack does not know, and the state of a known
 * token that was revoked or whose account was deactivated.
 */
function checkToken(token: string | undefined, expected: string | undefined, states: Map<string, string>) {
  if (!token) return 'not_authed';
  const state = states.get(token);
  if (state) return state;
  const known = expected ? token === expected : /^xoxb-[\w-]+$/.test(token);
  return known ? undefined : 'invalid_auth';
}

function safeJson(raw: Buffer): Record<string, unknown> {
  try {
    const v = JSON.parse(raw.toString('utf8')) as unknown;
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

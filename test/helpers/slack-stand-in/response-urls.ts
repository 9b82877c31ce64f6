import { randomBytes } from 'node:crypto';
import { checkMessage } from './block-limits.js';
import type { StubReply } from './http-body.js';
import type { RateTiers } from './rate-tiers.js';

/**
 * `response_url`s of slash commands and button presses, served by the stand-in.
 *
 * Facts:
 * - docs.slack.dev/interactivity/handling-user-interaction ("Message responses"): a `response_url` may be used up to
 *   5 times within 30 minutes; responses are ephemeral unless `response_type: "in_channel"`; `replace_original:
 *   true` replaces the message the interaction came from, `delete_original: true` deletes it. It works in any
 *   conversation the command was typed in, with or without the bot (zenn.dev/slack/articles/256c916f71b343, by a
 *   Slack engineer; getsentry/sentry#7798).
 * - A slash command's URL only updates the message that command produced: the ephemeral ack first, then the last
 *   message it posted (sapotacorp.vn "Slash commands in Slack"); a button press's URL refers to the message
 *   holding the button.
 * - Over the limits Slack refuses the request. The exact answers are not documented; apps report HTTP 404 with
 *   `expired_url` / `used_url`. The stand-in answers those, counts every request that reaches a live URL as a use
 *   (stricter than counting successes) and applies the message checks of chat.postMessage (HTTP 400 with the
 *   error) and the message-posting rate to each URL, as for incoming webhooks ("1 per second", short bursts;
 *   docs.slack.dev/apis/web-api/rate-limits): 429 with Retry-After.
 */
const RESPONSE_URL_USES = 5;
const RESPONSE_URL_TTL_MS = 30 * 60_000;

export interface StubEphemeral {
  id: string;
  channel: string;
  user: string;
  text: string;
  blocks: unknown[];
  via: 'response_url' | 'chat.postEphemeral';
  /** How often it was replaced in place (`replace_original`). */
  replaced: number;
  deleted: boolean;
}

export interface StubResponseUrl {
  url: string;
  kind: 'command' | 'action';
  channel: string;
  user: string;
  issuedAtMs: number;
  uses: number;
  /** Every request with Slack's answer, in order. */
  requests: Array<{ body: Record<string, unknown>; status: number; error?: string }>;
}

/** What a response may replace: a channel message (by ts), an ephemeral, or the command's ack. */
type Original = { kind: 'message'; ts: string } | { kind: 'ephemeral'; id: string } | { kind: 'ack' };

/** The parts of the stand-in a response touches. */
export interface ResponseWorld {
  nowMs(): number;
  rate: RateTiers;
  ephemerals: StubEphemeral[];
  /** Posts a channel message (in_channel responses) and returns its ts. */
  postChannelMessage(channel: string, text: string, blocks: unknown[], user: string): string;
  /** Replaces a channel message; false when it does not exist. */
  replaceChannelMessage(ts: string, text: string, blocks: unknown[]): boolean;
  deleteChannelMessage(ts: string): void;
}

export interface ResponseUrls {
  list: StubResponseUrl[];
  issue(opts: {
    kind: 'command' | 'action';
    channel: string;
    user: string;
    /** For a button press: the channel message holding the button. */
    messageTs?: string;
    /** For a button press on an ephemeral message. */
    ephemeralId?: string;
  }): string;
  /** Serves a POST to `/response/<id>`. */
  handle(id: string, raw: string): StubReply;
}

export function createResponseUrls(baseUrl: () => string, world: ResponseWorld): ResponseUrls {
  const byId = new Map<string, { entry: StubResponseUrl; original: Original }>();
  const list: StubResponseUrl[] = [];

  function answer(entry: StubResponseUrl, body: Record<string, unknown>, status: number, error?: string): StubReply {
    entry.requests.push({ body, status, ...(error ? { error } : {}) });
    return { status, body: error ? { ok: false, error } : { ok: true } };
  }

  function apply(state: { entry: StubResponseUrl; original: Original }, body: Record<string, unknown>): void {
    const text = typeof body.text === 'string' ? body.text : '';
    const blocks = Array.isArray(body.blocks) ? body.blocks : [];
    if (body.delete_original === true) {
      deleteOriginal(state.original);
      return;
    }
    if (body.replace_original === true && replaceOriginal(state.original, text, blocks)) return;
    // A new message: in the channel, or ephemeral (also when "replacing" the ack, which the stand-in never saw).
    const { entry } = state;
    if (body.response_type === 'in_channel') {
      const ts = world.postChannelMessage(entry.channel, text, blocks, entry.user);
      if (entry.kind === 'command') state.original = { kind: 'message', ts };
      return;
    }
    const id = `E${randomBytes(5).toString('hex').toUpperCase()}`;
    const replaced = body.replace_original === true ? 1 : 0;
    const channel = entry.channel;
    world.ephemerals.push({
      id,
      channel,
      user: entry.user,
      text,
      blocks,
      via: 'response_url',
      replaced,
      deleted: false,
    });
    if (entry.kind === 'command') state.original = { kind: 'ephemeral', id };
  }

  /** True when the original existed and now shows the new content. */
  function replaceOriginal(original: Original, text: string, blocks: unknown[]): boolean {
    if (original.kind === 'message') return world.replaceChannelMessage(original.ts, text, blocks);
    if (original.kind === 'ack') return false;
    const e = world.ephemerals.find((x) => x.id === original.id);
    if (!e || e.deleted) return false;
    Object.assign(e, { text, blocks, replaced: e.replaced + 1 });
    return true;
  }

  function deleteOriginal(original: Original): void {
    if (original.kind === 'message') world.deleteChannelMessage(original.ts);
    if (original.kind === 'ephemeral') markDeleted(original.id);
  }

  function markDeleted(id: string): void {
    const e = world.ephemerals.find((x) => x.id === id);
    if (e) e.deleted = true;
  }

  return {
    list,
    issue(opts) {
      const id = randomBytes(12).toString('hex');
      const url = `${baseUrl()}response/${id}`;
      const entry: StubResponseUrl = {
        url,
        kind: opts.kind,
        channel: opts.channel,
        user: opts.user,
        issuedAtMs: world.nowMs(),
        uses: 0,
        requests: [],
      };
      const original: Original = opts.messageTs
        ? { kind: 'message', ts: opts.messageTs }
        : opts.ephemeralId
          ? { kind: 'ephemeral', id: opts.ephemeralId }
          : { kind: 'ack' };
      byId.set(id, { entry, original });
      list.push(entry);
      return url;
    },
    handle(id, raw) {
      const state = byId.get(id);
      if (!state) return { status: 404, body: { ok: false, error: 'invalid_url' } };
      const { entry } = state;
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        body = {};
      }
      if (world.nowMs() - entry.issuedAtMs > RESPONSE_URL_TTL_MS) return answer(entry, body, 404, 'expired_url');
      if (entry.uses >= RESPONSE_URL_USES) return answer(entry, body, 404, 'used_url');
      entry.uses += 1;
      if (raw.trim() === '' || typeof body !== 'object') return answer(entry, body, 400, 'invalid_payload');
      const wait = world.rate.takePosting(`response:${id}`);
      if (wait !== undefined) {
        entry.requests.push({ body, status: 429, error: 'ratelimited' });
        return { status: 429, headers: { 'retry-after': String(wait) }, body: { ok: false, error: 'ratelimited' } };
      }
      if (body.delete_original !== true) {
        const problem = checkMessage('respond', body);
        if (problem) return answer(entry, body, 400, problem);
      }
      apply(state, body);
      return answer(entry, body, 200);
    },
  };
}

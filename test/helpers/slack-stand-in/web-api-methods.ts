import { checkMessage } from './block-limits.js';
import type { Conversations } from './conversations.js';
import type { StubFiles } from './files.js';
import { fail, ok, type StubReply } from './http-body.js';
import type { StubEphemeral } from './response-urls.js';

/** A message the stand-in holds, with its edits. */
export interface StubMessage {
  channel: string;
  text: string;
  blocks: unknown[];
  threadTs: string | undefined;
  updates: number;
  deleted?: boolean;
}

/** What the method handlers share with the server. */
export interface MethodWorld {
  conversations: Conversations;
  scopes: ReadonlySet<string>;
  messages: Map<string, StubMessage>;
  ephemerals: StubEphemeral[];
  files: StubFiles;
  baseUrl(): string;
  nextTs(): string;
  nextEphemeralId(): string;
}

type Handler = (body: Record<string, unknown>) => StubReply;

/** Scope each method needs (docs.slack.dev/methods/<method>: "Required scopes"). */
export const METHOD_SCOPES: Record<string, string | undefined> = {
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'files.getUploadURLExternal': 'files:write',
  'files.completeUploadExternal': 'files:write',
  'files.delete': 'files:write',
  'conversations.join': 'channels:join',
};

/**
 * The Web API methods the bot (and its tests) call, answering as the method pages document (errors as listed in
 * slack-ruby/slack-api-ref@f4837c0 docs.slack.dev/methods/<method>.json).
 */
export function createMethodHandlers(w: MethodWorld): Record<string, Handler> {
  return {
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
      const problem = w.conversations.check(body.channel, 'post', w.scopes) ?? checkMessage('post', body);
      if (problem) return fail(problem);
      const ts = w.nextTs();
      const threadTs = typeof body.thread_ts === 'string' ? body.thread_ts : undefined;
      w.messages.set(ts, {
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
      const denied = w.conversations.check(body.channel, 'post', w.scopes);
      if (denied) return fail(denied);
      const message = w.messages.get(String(body.ts));
      if (!message || message.deleted || message.channel !== body.channel) return fail('message_not_found');
      const problem = checkMessage('update', { text: body.text ?? message.text, blocks: body.blocks });
      if (problem) return fail(problem);
      if (body.text !== undefined) message.text = String(body.text);
      if (Array.isArray(body.blocks)) message.blocks = body.blocks;
      message.updates += 1;
      return ok({ channel: body.channel, ts: body.ts, text: message.text });
    },
    'chat.postEphemeral': (body) => {
      const problem = w.conversations.check(body.channel, 'member', w.scopes) ?? checkMessage('post', body);
      if (problem) return fail(problem);
      if (typeof body.user !== 'string') return fail('user_not_found');
      w.ephemerals.push({
        id: w.nextEphemeralId(),
        channel: String(body.channel),
        user: body.user,
        text: String(body.text ?? ''),
        blocks: Array.isArray(body.blocks) ? body.blocks : [],
        via: 'chat.postEphemeral',
        replaced: 0,
        deleted: false,
      });
      return ok({ message_ts: w.nextTs() });
    },
    'files.getUploadURLExternal': (body) => w.files.getUploadUrl(body, w.baseUrl()),
    'files.completeUploadExternal': (body) => w.files.complete(body, w.conversations, w.scopes),
    'files.delete': (body) => w.files.remove(body),
    // docs.slack.dev/reference/methods/conversations.join: public channels only; others are not visible.
    'conversations.join': (body) => {
      const c = typeof body.channel === 'string' ? w.conversations.get(body.channel) : undefined;
      if (!c || (c.type !== 'public' && !c.botMember)) return fail('channel_not_found');
      if (c.type !== 'public') return fail('method_not_supported_for_channel_type');
      if (c.archived) return fail('is_archived');
      w.conversations.set(String(body.channel), { ...c, botMember: true });
      return ok({ channel: { id: body.channel, is_member: true } });
    },
    'users.info': (body) =>
      typeof body.user === 'string'
        ? ok({ user: { id: body.user, name: body.user.toLowerCase(), real_name: `User ${body.user}`, is_bot: false } })
        : fail('user_not_found'),
    'conversations.info': (body) => {
      const c = typeof body.channel === 'string' ? w.conversations.get(body.channel) : undefined;
      if (!c || (!c.botMember && c.type !== 'public')) return fail('channel_not_found');
      return ok({
        channel: {
          id: body.channel,
          name: `chan-${String(body.channel).toLowerCase()}`,
          is_channel: c.type === 'public' || c.type === 'private',
          is_private: c.type !== 'public',
          is_im: c.type === 'im',
          is_mpim: c.type === 'mpim',
          is_member: c.botMember,
          is_archived: Boolean(c.archived),
        },
      });
    },
  };
}

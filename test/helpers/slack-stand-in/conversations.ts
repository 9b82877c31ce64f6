/**
 * Conversations of the stand-in workspace and the bot's membership rules.
 *
 * Facts (docs.slack.dev, method pages as scraped in slack-ruby/slack-api-ref@f4837c0, docs.slack.dev/methods/*.json):
 * - chat.postMessage / chat.update need `chat:write` and membership; `chat:write.public` ("Send messages to channels
 *   @app isn't a member of", docs.slack.dev/reference/scopes/chat.write.public) lifts that for PUBLIC channels only.
 *   A public channel without membership answers `not_in_channel` ("Cannot post user messages to a channel they are
 *   not in"); a private channel, DM or group DM the bot is not in is invisible to it: `channel_not_found`
 *   (slack-ruby/slack-ruby-client#227, Netflix/dispatch#628).
 * - files.completeUploadExternal needs real membership whatever the scopes: `not_in_channel` ("User/bot membership
 *   is required for the specified channel", method page; getnao/nao#1372, slackapi/python-slack-sdk#1359).
 * - chat.postEphemeral needs membership too, `chat:write.public` does not help (slackapi/node-slack-sdk#977).
 * - Archived channels answer `is_archived`.
 */
type ConversationType = 'public' | 'private' | 'im' | 'mpim';

export interface StubConversation {
  type: ConversationType;
  /** Whether the bot user is a member (was invited, or it is the app's own DM). */
  botMember: boolean;
  archived?: boolean;
}

/** What an operation needs from the conversation. */
type MembershipNeed =
  /** chat.postMessage / chat.update: membership, or `chat:write.public` in a public channel. */
  | 'post'
  /** files.completeUploadExternal, chat.postEphemeral: membership, no exception. */
  | 'member';

export interface Conversations {
  /** The conversation, or undefined when it does not exist for the bot. */
  get(id: string): StubConversation | undefined;
  /** Declares or changes a conversation (e.g. the bot is invited or removed mid-test). */
  set(id: string, conversation: StubConversation): void;
  /** Undefined when allowed, else the Slack error code. */
  check(id: unknown, need: MembershipNeed, scopes: ReadonlySet<string>): string | undefined;
}

/**
 * Builds the conversation table. `declared` lists conversations explicitly; `legacyChannels` (the older option)
 * lists public channels the bot is in; with either, nothing else exists. Without both, every `C…` id is a public
 * channel the bot was invited to, which is what tests that are not about membership expect.
 */
export function createConversations(
  declared?: Record<string, StubConversation>,
  legacyChannels?: string[],
): Conversations {
  const table = new Map<string, StubConversation>(Object.entries(declared ?? {}));
  for (const id of legacyChannels ?? []) if (!table.has(id)) table.set(id, { type: 'public', botMember: true });
  const openWorld = legacyChannels === undefined && declared === undefined;

  function get(id: string): StubConversation | undefined {
    const known = table.get(id);
    if (known) return known;
    return openWorld && /^C[A-Z0-9]+$/.test(id) ? { type: 'public', botMember: true } : undefined;
  }

  return {
    get,
    set: (id, conversation) => table.set(id, conversation),
    check(id, need, scopes) {
      if (typeof id !== 'string' || id === '') return 'channel_not_found';
      const c = get(id);
      // A conversation the bot is not in is invisible to it unless it is public.
      if (!c || (!c.botMember && c.type !== 'public')) return 'channel_not_found';
      if (c.archived) return 'is_archived';
      if (c.botMember) return undefined;
      if (need === 'post' && scopes.has('chat:write.public')) return undefined;
      return 'not_in_channel';
    },
  };
}

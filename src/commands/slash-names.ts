/**
 * The names users type in Slack. Every command works as `/netops <command> …` (the umbrella); each command
 * family also has its own slash command, `/<word>`, unless Slack reserves that name, in which case it is
 * `/netops-<word>`. deploy/slack-app-manifest.yaml declares exactly these (test/unit/deploy/slack-manifest.test.ts).
 */

/** The umbrella slash command: `/netops deploy …`; `/netops` alone is help. */
export const UMBRELLA_WORD = 'netops';

/**
 * Slash command names an app cannot declare: Slack's built-in commands. A manifest that declares one is refused
 * with "the slash command has an invalid name" for the whole `slash_commands` list (openclaw/openclaw#29032,
 * NousResearch/hermes-agent#17054). Slack publishes no machine-readable list, so this is the union of:
 * - Slack's help article "Use built-in slash commands" (slack.com/help/articles/201259356), as copied into
 *   dylex/slack-libpurple slack-cmd.c@ac13b6f (me, msg, dm, shrug, archive, collapse, expand, invite, join, kick,
 *   remove, leave, close, part, away, mute, open, rename, topic, who, remind, apps, search, dnd, feed, feedback,
 *   prefs, shortcuts, star) and KyleMit/CodingEverything notes/tools/slack.md (active, invite_people, keys, s);
 * - NousResearch/hermes-agent#18456 `_SLACK_RESERVED_COMMANDS` (adds status, pro), the name #17054 saw refused;
 * - openclaw/openclaw#29032, which also names help, send, kill, debug and commands. hermes-agent#17054 reports
 *   `/help` accepted in one workspace, so that claim is uncertain: the stricter reading is kept and netops
 *   declares `/netops-help` instead of `/help`.
 */
export const SLACK_RESERVED_COMMANDS: ReadonlySet<string> = new Set([
  'active',
  'apps',
  'archive',
  'away',
  'close',
  'collapse',
  'commands',
  'debug',
  'dm',
  'dnd',
  'expand',
  'feed',
  'feedback',
  'help',
  'invite',
  'invite_people',
  'join',
  'keys',
  'kick',
  'kill',
  'leave',
  'me',
  'msg',
  'mute',
  'open',
  'part',
  'prefs',
  'pro',
  'remind',
  'remove',
  'rename',
  's',
  'search',
  'send',
  'shortcuts',
  'shrug',
  'star',
  'status',
  'topic',
  'who',
]);

/** The slash command of a command family: `/deploy`, or `/netops-status` where Slack reserves `/status`. */
export function slashNameOf(word: string): string {
  return SLACK_RESERVED_COMMANDS.has(word) ? `/${UMBRELLA_WORD}-${word}` : `/${word}`;
}

/** How to ask for help, in hints and error messages. */
export const HELP_SLASH = slashNameOf('help');

/**
 * The command word a typed first word stands for: `/netops-status` and `status` both give `status`; other words
 * are returned without their slash.
 */
export function commandWordOf(typed: string): string {
  const word = typed.startsWith('/') ? typed.slice(1) : typed;
  const prefix = `${UMBRELLA_WORD}-`;
  return word.toLowerCase().startsWith(prefix) && word.length > prefix.length ? word.slice(prefix.length) : word;
}

/** A command's words as typed in Slack: `['cni-bench', 'history']` → `/cni-bench history`, `['status']` → `/netops-status`. */
export function slashTextOf(words: readonly string[]): string {
  const [first = '', ...rest] = words;
  return [slashNameOf(first), ...rest].join(' ');
}

/**
 * The subset of Slack Block Kit the renderers produce. Kept local (instead of `@slack/types`) so golden files
 * pin exactly what we send; the shapes are structurally compatible with Slack's `KnownBlock`.
 */
export interface MrkdwnText {
  type: 'mrkdwn';
  text: string;
}

interface PlainText {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}

export type SlackBlock =
  | { type: 'header'; text: PlainText }
  | { type: 'section'; text: MrkdwnText }
  | { type: 'section'; fields: MrkdwnText[] }
  | { type: 'context'; elements: MrkdwnText[] }
  | { type: 'divider' }
  | { type: 'actions'; block_id?: string; elements: SlackButton[] };

/** A Block Kit button; `value` carries the approval id back in the `block_actions` payload. */
interface SlackButton {
  type: 'button';
  action_id: string;
  text: PlainText;
  value: string;
  style?: 'primary' | 'danger';
}

/** Slack's documented limits, enforced by the Slack renderer only (see DESIGN.md). */
export const slackLimits = {
  /** Characters in a section's `text`. */
  sectionTextChars: 3000,
  /** Characters in one section field. */
  fieldTextChars: 2000,
  /** Fields in one section. */
  fieldsPerSection: 10,
  /** Characters in a header block's plain text. */
  headerChars: 150,
  /** Blocks in one message. */
  blocksPerMessage: 50,
  /** Serialized `blocks` JSON per message; Slack rejects larger payloads (bolt-js #2509). */
  messageJsonChars: 12_000,
} as const;

/** Creates a mrkdwn section block. */
export function createSection(text: string): SlackBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

/** Creates a context block with a single mrkdwn line. */
export function createContext(text: string): SlackBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text }] };
}

/** Size of a block list as Slack receives it (the JSON-encoded `blocks` field). */
export function measureBlocksJson(blocks: SlackBlock[]): number {
  return JSON.stringify(blocks).length;
}

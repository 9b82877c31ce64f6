/**
 * Block Kit checks the stand-in applies to every message it accepts, answering as Slack does.
 *
 * Facts:
 * - docs.slack.dev/reference/block-kit/blocks: up to 50 blocks per message; `block_id` up to 255 characters.
 * - section block (docs.slack.dev/reference/block-kit/blocks/section-block): `text` 1..3000 characters, or
 *   `fields` of at most 10 text objects of 1..2000 characters each.
 * - header block: plain_text only, up to 150 characters. context block: 1..10 elements. divider: nothing else.
 * - actions block: up to 25 elements; button (docs.slack.dev/reference/block-kit/block-elements/button-element):
 *   text plain_text up to 75 characters, action_id up to 255, value up to 2000, style primary|danger.
 * - Errors (method pages, slack-ruby/slack-api-ref@f4837c0): `invalid_blocks` ("Blocks submitted with this message
 *   are not valid"), `invalid_blocks_format` (not a JSON array), `msg_blocks_too_long` ("Blocks submitted with this
 *   message are too long"), `no_text`, `msg_too_long` (chat.update: "The text field cannot exceed 4,000
 *   characters"; chat.postMessage truncates at 40,000).
 * - The size behind `msg_blocks_too_long` is undocumented: reports put it at ~12,000 text characters plus
 *   container overhead (slackapi/bolt-js#2509 maintainer comment, #2867 rejected at 11,341 text characters). The
 *   stand-in is stricter: it counts the whole JSON-encoded `blocks` field and refuses more than 12,000 characters.
 */
const BLOCK_JSON_LIMIT = 12_000;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const textOf = (v: unknown): string | undefined =>
  isObject(v) && (v.type === 'mrkdwn' || v.type === 'plain_text') && typeof v.text === 'string' ? v.text : undefined;
const within = (text: string | undefined, max: number) => text !== undefined && text.length >= 1 && text.length <= max;

/** The Slack error for these blocks, or undefined when Slack would accept them. */
export function checkBlocks(blocks: unknown): string | undefined {
  if (blocks === undefined) return undefined;
  if (!Array.isArray(blocks)) return 'invalid_blocks_format';
  if (blocks.length > 50) return 'invalid_blocks';
  if (!blocks.every(isValidBlock)) return 'invalid_blocks';
  if (JSON.stringify(blocks).length > BLOCK_JSON_LIMIT) return 'msg_blocks_too_long';
  return undefined;
}

/** The Slack error for a message's `text` + `blocks`, per method. */
export function checkMessage(method: 'post' | 'update' | 'respond', body: Json): string | undefined {
  const hasBlocks = Array.isArray(body.blocks) && body.blocks.length > 0;
  if ((body.text === undefined || body.text === '') && !hasBlocks) return 'no_text';
  const maxText = method === 'update' ? 4_000 : 40_000;
  if (typeof body.text === 'string' && body.text.length > maxText) return 'msg_too_long';
  return checkBlocks(body.blocks);
}

function isValidBlock(block: unknown): boolean {
  if (!isObject(block)) return false;
  if (block.block_id !== undefined && !(typeof block.block_id === 'string' && block.block_id.length <= 255))
    return false;
  switch (block.type) {
    case 'section':
      return isValidSection(block);
    case 'header':
      return isObject(block.text) && block.text.type === 'plain_text' && within(textOf(block.text), 150);
    case 'context':
      return (
        Array.isArray(block.elements) &&
        block.elements.length >= 1 &&
        block.elements.length <= 10 &&
        block.elements.every((e) => textOf(e) !== undefined)
      );
    case 'divider':
      return true;
    case 'actions':
      return (
        Array.isArray(block.elements) &&
        block.elements.length >= 1 &&
        block.elements.length <= 25 &&
        block.elements.every(isValidButton)
      );
    default:
      // The renderers produce only the types above; anything else would be a renderer bug worth failing on.
      return false;
  }
}

function isValidSection(block: Json): boolean {
  if (block.text !== undefined) return within(textOf(block.text), 3000);
  if (!Array.isArray(block.fields)) return false;
  return block.fields.length >= 1 && block.fields.length <= 10 && block.fields.every((f) => within(textOf(f), 2000));
}

function isValidButton(el: unknown): boolean {
  if (!isObject(el) || el.type !== 'button') return false;
  if (!(isObject(el.text) && el.text.type === 'plain_text' && within(textOf(el.text), 75))) return false;
  if (el.action_id !== undefined && !(typeof el.action_id === 'string' && el.action_id.length <= 255)) return false;
  if (el.value !== undefined && !(typeof el.value === 'string' && el.value.length <= 2000)) return false;
  return el.style === undefined || el.style === 'primary' || el.style === 'danger';
}

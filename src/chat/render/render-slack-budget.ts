import { createContext, measureBlocksJson, type SlackBlock, slackLimits } from './render-blocks.js';

/**
 * How much of the main message the report may use. The status part (header and history) is capped well below
 * the rest, so the split of a report between message and thread depends on the report alone: the thread then
 * holds exactly what the message had to leave out, whatever the job's state.
 */
const reportBudget = {
  /** Blocks left after the status section, the history context and the overflow notice. */
  blocks: slackLimits.blocksPerMessage - 3,
  /** JSON characters left after the capped status part (≤ ~3,500 even for hostile text) and the notice. */
  jsonChars: 8_000,
} as const;

/** Per thread message: a little under the limits, leaving room for Slack's own additions. */
const threadJsonChars = slackLimits.messageJsonChars - 500;

/** Splits report blocks into what fits in the main message and what overflows into the thread. */
export function splitForMessage(blocks: SlackBlock[]): { main: SlackBlock[]; overflow: SlackBlock[] } {
  const main: SlackBlock[] = [];
  let usedChars = 2;
  for (const [i, block] of blocks.entries()) {
    const size = JSON.stringify(block).length + 1;
    if (main.length >= reportBudget.blocks || usedChars + size > reportBudget.jsonChars) {
      return { main, overflow: blocks.slice(i) };
    }
    main.push(block);
    usedChars += size;
  }
  return { main, overflow: [] };
}

/** The context line that closes a message whose report did not fit. */
export function createOverflowNotice(overflowCount: number): SlackBlock {
  return createContext(`… ${overflowCount} more ${overflowCount === 1 ? 'block' : 'blocks'} in the thread`);
}

/** Chunks blocks into messages of at most 50 blocks and ~11,500 JSON characters each. */
export function chunkIntoMessages(blocks: SlackBlock[]): SlackBlock[][] {
  const messages: SlackBlock[][] = [];
  let current: SlackBlock[] = [];
  for (const block of blocks) {
    const full = current.length >= slackLimits.blocksPerMessage;
    if (current.length > 0 && (full || measureBlocksJson([...current, block]) > threadJsonChars)) {
      messages.push(current);
      current = [];
    }
    current.push(block);
  }
  if (current.length > 0) messages.push(current);
  return messages;
}

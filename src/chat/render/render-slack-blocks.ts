import { basename } from 'node:path';
import type { ReportBlock } from '../../report/model.js';
import { createContext, createSection, type MrkdwnText, type SlackBlock, slackLimits } from './render-blocks.js';
import { linkMentions } from './render-mentions.js';
import { formatTable } from './render-table.js';
import { escapeMrkdwn, flattenLine, stripControlChars, truncateLines } from './render-text.js';

const alertPrefixes = { danger: ':rotating_light:', warning: ':warning:', info: ':information_source:' } as const;

/** Maps one Report block to Slack blocks, each within Slack's per-block limits. */
function renderReportBlock(block: ReportBlock): SlackBlock[] {
  switch (block.kind) {
    case 'heading':
      return [renderHeading(block.text)];
    case 'text':
      return [createSection(truncateLines(linkMentions(escapeMrkdwn(block.text)), slackLimits.sectionTextChars))];
    case 'fields':
      return renderFields(block.fields);
    case 'table':
      return renderTable(block.columns, block.rows, block.caption);
    case 'alert': {
      const prefix = `${alertPrefixes[block.level]} `;
      const body = truncateLines(linkMentions(escapeMrkdwn(block.text)), slackLimits.sectionTextChars - prefix.length);
      return [createSection(`${prefix}${body}`)];
    }
    case 'code':
      return [createSection(renderCodeFence(block.text))];
    case 'image':
      return [
        createContext(
          `chart: ${clipLine(block.title, 200)} (\`${clipLine(basename(block.path).replace(/`/g, "'"), 200)}\`, in the thread)`,
        ),
      ];
    case 'actions':
      return [renderApprovalButtons(block.approvalId)];
  }
}

/** Action ids of the approval buttons; the Bolt app listens for these. */
export const APPROVE_ACTION_ID = 'netops_approve';
export const REJECT_ACTION_ID = 'netops_reject';

function renderApprovalButtons(approvalId: string): SlackBlock {
  const button = (action_id: string, text: string, style: 'primary' | 'danger') => ({
    type: 'button' as const,
    action_id,
    text: { type: 'plain_text' as const, text, emoji: false },
    value: approvalId,
    style,
  });
  return {
    type: 'actions',
    block_id: `approval-${approvalId}`,
    elements: [button(APPROVE_ACTION_ID, 'Approve', 'primary'), button(REJECT_ACTION_ID, 'Reject', 'danger')],
  };
}

/** Renders many Report blocks in order. */
export function renderReportBlocks(blocks: ReportBlock[]): SlackBlock[] {
  return blocks.flatMap(renderReportBlock);
}

/** One escaped line of at most `maxChars` source characters (escaping may add up to 4 per character). */
function clipLine(text: string, maxChars: number): string {
  const line = flattenLine(text);
  return escapeMrkdwn(line.length > maxChars ? `${line.slice(0, maxChars - 1)}…` : line);
}

function renderHeading(text: string): SlackBlock {
  const line = flattenLine(stripControlChars(text));
  const cut = line.length > slackLimits.headerChars ? `${line.slice(0, slackLimits.headerChars - 1)}…` : line;
  return { type: 'header', text: { type: 'plain_text', text: cut || ' ', emoji: false } };
}

function renderFields(fields: Array<{ label: string; value: string }>): SlackBlock[] {
  const texts: MrkdwnText[] = fields.map(({ label, value }) => ({
    type: 'mrkdwn',
    text: truncateLines(`*${escapeMrkdwn(flattenLine(label))}*\n${escapeMrkdwn(value)}`, slackLimits.fieldTextChars),
  }));
  // Besides Slack's 10 fields, a section's fields also share the section text budget, so that ten long values
  // cannot blow the message's JSON size on their own.
  const sections: MrkdwnText[][] = [];
  let current: MrkdwnText[] = [];
  let currentChars = 0;
  for (const text of texts) {
    const full = current.length >= slackLimits.fieldsPerSection;
    if (current.length > 0 && (full || currentChars + text.text.length > slackLimits.sectionTextChars)) {
      sections.push(current);
      current = [];
      currentChars = 0;
    }
    current.push(text);
    currentChars += text.text.length;
  }
  if (current.length > 0) sections.push(current);
  return sections.map((group) => ({ type: 'section', fields: group }));
}

/** Sections one table may take before its remaining rows are cut (and counted) in the last one. */
const maxTableSections = 4;

/**
 * A table as monospace sections. Rows that do not fit one section (3,000 characters) continue in the next, under
 * the header again, so a wide table (e.g. /help for a user allowed every command) loses no row; past
 * {@link maxTableSections} the last section is cut and says how many lines were left out.
 */
function renderTable(columns: string[], rows: string[][], caption?: string): SlackBlock[] {
  const [header = '', rule = '', ...body] = formatTable(columns, rows);
  const budget = slackLimits.sectionTextChars - 8;
  const size = (lines: string[]) => escapeMrkdwn(lines.join('\n').replace(/```/g, '`\u200b``')).length;
  const chunks: string[][] = [];
  let chunk: string[] = [];
  for (const [i, line] of body.entries()) {
    if (chunks.length === maxTableSections - 1) {
      chunk.push(...body.slice(i));
      break;
    }
    if (chunk.length > 0 && size([header, rule, ...chunk, line]) > budget) {
      chunks.push(chunk);
      chunk = [];
    }
    chunk.push(line);
  }
  chunks.push(chunk);
  const blocks = chunks.map((lines) => createSection(renderCodeFence([header, rule, ...lines].join('\n'))));
  if (caption) blocks.push(createContext(clipLine(caption, 1000)));
  return blocks;
}

/**
 * Wraps text in a ``` fence within the section limit. Backtick runs inside would close the fence early, so
 * they are broken up; truncation happens inside the fence so the closing fence always survives.
 */
function renderCodeFence(text: string): string {
  const safe = escapeMrkdwn(text.replace(/```/g, '`\u200b``'));
  const fenceChars = 8;
  return `\`\`\`\n${truncateLines(safe, slackLimits.sectionTextChars - fenceChars)}\n\`\`\``;
}

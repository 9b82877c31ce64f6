import { describeUser } from '../../report/mention.js';
import type { Report, StatusView } from '../../report/model.js';
import { createContext, createSection, type SlackBlock } from './render-blocks.js';
import { linkMentions } from './render-mentions.js';
import { renderReportBlocks } from './render-slack-blocks.js';
import { chunkIntoMessages, createOverflowNotice, splitForMessage } from './render-slack-budget.js';
import { describeElapsed, describeState, type RenderOptions } from './render-status.js';
import { escapeMrkdwn, flattenLine, stripControlChars, truncateLines } from './render-text.js';

export type { SlackBlock } from './render-blocks.js';

/** A message as chat.postMessage / chat.update take it. */
export interface SlackMessage {
  /** Notification fallback (the report title, or the state and command). */
  text: string;
  blocks: SlackBlock[];
}

// Caps on the status part (in source characters; escaping '&' makes five of one) keep its section under 3,000
// characters and the whole status part under ~3,300 JSON characters, the room render-slack-budget leaves it.
const commandChars = 150;
const errorChars = 700;
const historyChars = 500;
const fallbackChars = 300;
const notesChars = 500;

/** Options of the Slack message renderer. */
export interface SlackMessageOptions extends RenderOptions {
  /** Leave the report's blocks out: status, title and notes only (after Slack refused the full message). */
  plain?: boolean;
}

/**
 * Renders the one reply message of a job: who ran what, its state and elapsed time, the steps so far and,
 * once there is one, the report. Slack's limits are enforced here; what does not fit is announced at the end
 * and carried by {@link renderSlackThread}.
 */
export function renderSlackMessage(status: StatusView, report?: Report, opts: SlackMessageOptions = {}): SlackMessage {
  const blocks: SlackBlock[] = [createSection(renderStatusText(status, opts))];
  const history = renderHistory(status.history ?? []);
  if (history) blocks.push(createContext(history));
  const notes = renderNotes(status.notes ?? []);
  if (notes) blocks.push(createSection(notes));
  if (report && opts.plain) {
    blocks.push(createSection(`*${escapeMrkdwn(clip(report.title, fallbackChars))}*`));
  } else if (report) {
    const { main, overflow } = splitForMessage(renderReportBlocks(report.blocks));
    blocks.push(...main);
    if (overflow.length > 0) blocks.push(createOverflowNotice(overflow.length));
  }
  const fallback = report ? report.title : `${describeState(status)}: ${status.commandText}`;
  return { text: escapeMrkdwn(clip(fallback, fallbackChars)), blocks };
}

/**
 * Renders the thread detail of a report: the blocks the main message had no room for, then `report.thread`,
 * chunked into messages that each respect Slack's limits. Empty when there is nothing to add.
 */
export function renderSlackThread(report: Report): SlackBlock[][] {
  const { overflow } = splitForMessage(renderReportBlocks(report.blocks));
  return chunkIntoMessages([...overflow, ...renderReportBlocks(report.thread ?? [])]);
}

function renderStatusText(status: StatusView, opts: RenderOptions): string {
  const command = escapeMrkdwn(clip(status.commandText, commandChars).replace(/`/g, "'"));
  const lines = [`\`${command}\` by ${renderUser(status.userId)}`];
  const elapsed = describeElapsed(status, opts);
  const state = escapeMrkdwn(clip(describeState(status), commandChars));
  lines.push(elapsed ? `*${state}* · ${elapsed}` : `*${state}*`);
  if (status.errorText)
    lines.push(truncateLines(linkMentions(escapeMrkdwn(stripControlChars(status.errorText))), errorChars));
  return lines.join('\n');
}

/** Slack user ids become mentions; anything else (console users) is shown as escaped text. */
function renderUser(userId: string): string {
  return linkMentions(escapeMrkdwn(clip(describeUser(userId), 60)));
}

function renderHistory(history: string[]): string | undefined {
  if (history.length === 0) return undefined;
  const steps = history.map((step) => escapeMrkdwn(clip(step, 80)));
  let shown = steps;
  let line = `Steps: ${shown.join(' → ')}`;
  // Keep the newest steps; the oldest matter least once a job is far along.
  while (line.length > historyChars && shown.length > 1) {
    shown = shown.slice(1);
    line = `Steps: … ${steps.length - shown.length} earlier → ${shown.join(' → ')}`;
  }
  return line;
}

/** Delivery notes as warning lines, capped so the status part keeps its share of the message. */
function renderNotes(notes: string[]): string | undefined {
  if (notes.length === 0) return undefined;
  const lines = notes.map((note) => `:warning: ${escapeMrkdwn(clip(note, 300))}`);
  return truncateLines(lines.join('\n'), notesChars);
}

function clip(text: string, maxChars: number): string {
  const line = flattenLine(stripControlChars(text));
  return line.length > maxChars ? `${line.slice(0, maxChars - 1)}…` : line;
}

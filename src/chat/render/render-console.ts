import type { Report, ReportBlock, StatusView } from '../../report/model.js';
import { describeElapsed, describeState, type RenderOptions } from './render-status.js';
import { formatTable } from './render-table.js';
import { flattenLine, stripControlChars } from './render-text.js';

/** Options of the console renderer. */
export interface ConsoleRenderOptions extends RenderOptions {
  /** ANSI colours and bold; off by default so output can be piped and compared. */
  color?: boolean;
}

type Paint = (text: string, style: 'bold' | 'red' | 'yellow' | 'green' | 'dim') => string;

const historySteps = 10;

// Each style ends with its own reset so nested styles (bold inside a red alert) keep the outer one.
const ansiCodes = {
  bold: ['1', '22'],
  dim: ['2', '22'],
  red: ['31', '39'],
  yellow: ['33', '39'],
  green: ['32', '39'],
} as const;

/**
 * Renders a job's status and report as terminal text: the same content as the Slack message, with tables as
 * aligned columns, alerts prefixed `!!`, the thread under "Details" and files listed as `chart: <path>`.
 */
export function renderConsole(status: StatusView, report?: Report, opts: ConsoleRenderOptions = {}): string {
  const paint = createPaint(opts.color ?? false);
  const lines = renderConsoleStatus(status, paint, opts);
  if (report) lines.push('', ...renderReportLines(report, paint));
  return `${lines.join('\n')}\n`;
}

/** Renders a report without a job status, e.g. an answer the chat side gives at once (help, job lists). */
export function renderConsoleReport(report: Report, opts: ConsoleRenderOptions = {}): string {
  return `${renderReportLines(report, createPaint(opts.color ?? false)).join('\n')}\n`;
}

function createPaint(color: boolean): Paint {
  return color ? (text, style) => `\x1b[${ansiCodes[style][0]}m${text}\x1b[${ansiCodes[style][1]}m` : (text) => text;
}

function renderReportLines(report: Report, paint: Paint): string[] {
  const shownPaths = new Set<string>();
  const lines = renderConsoleBlocks(report.blocks, paint, shownPaths);
  if (report.thread && report.thread.length > 0) {
    if (lines.length > 0) lines.push('');
    lines.push(...renderHeading('Details', paint), ...renderConsoleBlocks(report.thread, paint, shownPaths));
  }
  const files = (report.files ?? []).filter((file) => !shownPaths.has(file.path));
  if (files.length > 0) {
    if (lines.length > 0) lines.push('');
    lines.push(...files.map((file) => `chart: ${clean(file.path)}`));
  }
  return lines;
}

// The status part: header line, state line with elapsed time, steps and error text.
function renderConsoleStatus(status: StatusView, paint: Paint, opts: RenderOptions = {}): string[] {
  const stateColor = { succeeded: 'green', failed: 'red', cancelled: 'yellow' } as const;
  const elapsed = describeElapsed(status, opts);
  const state = clean(describeState(status));
  const color = status.state in stateColor ? stateColor[status.state as keyof typeof stateColor] : 'bold';
  const lines = [
    `${clean(status.commandText)} by ${clean(status.userId)}`,
    `${paint(state, color)}${elapsed ? ` · ${elapsed}` : ''}`,
  ];
  const history = status.history ?? [];
  if (history.length > 0) {
    // The newest steps tell where a job is; a terminal line of sixty steps tells nothing.
    const shown = history.slice(-historySteps).map(clean);
    const earlier = history.length > shown.length ? `… ${history.length - shown.length} earlier → ` : '';
    lines.push(paint(`Steps: ${earlier}${shown.join(' → ')}`, 'dim'));
  }
  if (status.errorText) lines.push(stripControlChars(status.errorText));
  return lines;
}

function renderConsoleBlocks(blocks: ReportBlock[], paint: Paint, shownPaths: Set<string>): string[] {
  const lines: string[] = [];
  let afterHeading = false;
  for (const block of blocks) {
    if (block.kind === 'image') shownPaths.add(block.path);
    // A blank line between blocks, as Slack spaces them, but none between a heading and what it heads.
    if (lines.length > 0 && !afterHeading) lines.push('');
    lines.push(...renderConsoleBlock(block, paint));
    afterHeading = block.kind === 'heading';
  }
  return lines;
}

function renderConsoleBlock(block: ReportBlock, paint: Paint): string[] {
  switch (block.kind) {
    case 'heading':
      return renderHeading(block.text, paint);
    case 'text':
      return [renderInline(stripControlChars(block.text), paint)];
    case 'fields': {
      const labels = block.fields.map((field) => clean(field.label));
      const width = Math.max(...labels.map((label) => label.length));
      return block.fields.map(
        (field, i) => `${`${labels[i]}:`.padEnd(width + 2)}${renderInline(clean(field.value), paint)}`,
      );
    }
    case 'table': {
      const [header = '', rule = '', ...rows] = formatTable(
        block.columns.map(clean),
        block.rows.map((row) => row.map(clean)),
      );
      const caption = block.caption ? [paint(clean(block.caption), 'dim')] : [];
      return [paint(header, 'bold'), rule, ...rows, ...caption];
    }
    case 'alert': {
      const color = block.level === 'danger' ? 'red' : block.level === 'warning' ? 'yellow' : 'bold';
      const text = stripControlChars(block.text).split('\n');
      return text.map((line, i) =>
        paint(renderInline(i === 0 ? `!! ${block.level}: ${line}` : `   ${line}`, paint), color),
      );
    }
    case 'code':
      return stripControlChars(block.text)
        .split('\n')
        .map((line) => `    ${line}`);
    case 'image':
      return [`chart: ${clean(block.path)} (${clean(block.title)})`];
    case 'actions':
      return [
        `approve with: npm run netops -- approve ${clean(block.approvalId)} --as <approver>`,
        `reject with:  npm run netops -- reject ${clean(block.approvalId)} --as <user>`,
      ];
  }
}

function renderHeading(text: string, paint: Paint): string[] {
  const line = clean(text);
  return [paint(line, 'bold'), '='.repeat(line.length)];
}

/** `*bold*` becomes bold (or plain without colour); `` `code` `` stays as typed. */
function renderInline(text: string, paint: Paint): string {
  return text.replace(/\*([^*\n]+)\*/g, (_, inner: string) => paint(inner, 'bold'));
}

function clean(text: string): string {
  return flattenLine(stripControlChars(text));
}

import { flattenLine } from './render-text.js';

/**
 * Lays out a table as aligned monospace lines: header, a rule of dashes, then the rows. Cells are flattened
 * to one line; short rows are padded so a malformed row cannot shift the columns.
 */
export function formatTable(columns: string[], rows: string[][]): string[] {
  const width = columns.length;
  const cells = [columns, ...rows].map((row) => Array.from({ length: width }, (_, i) => flattenLine(row[i] ?? '')));
  const widths = columns.map((_, i) => Math.max(...cells.map((row) => row[i]?.length ?? 0)));
  const formatRow = (row: string[]) =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const [header, ...body] = cells;
  const rule = widths.map((w) => '-'.repeat(Math.max(w, 1))).join('  ');
  return [formatRow(header ?? []), rule, ...body.map(formatRow)];
}

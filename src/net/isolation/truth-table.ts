import type { PairResult, Reachability } from './types.js';

/** Cell marks as in the Kubernetes e2e `PrettyPrint` and cyclonus. */
const MARK: Record<Reachability, string> = { reachable: '.', isolated: 'X', unknown: '?' };

/** Rows (from) × columns (to) of marks; '' on the diagonal and for pairs not probed. */
export type MarkGrid = string[][];

/** Expected and observed grids over the same labels, in the given order. */
export function buildGrids(
  labels: readonly string[],
  pairs: readonly PairResult[],
): { expected: MarkGrid; observed: MarkGrid; comparison: MarkGrid } {
  const byKey = new Map(pairs.map((p) => [`${p.from}\u0000${p.to}`, p]));
  const grid = (cell: (p: PairResult) => string) =>
    labels.map((from) =>
      labels.map((to) => {
        const p = byKey.get(`${from}\u0000${to}`);
        return p ? cell(p) : '';
      }),
    );
  return {
    expected: grid((p) => MARK[p.expected]),
    observed: grid((p) => MARK[p.observed]),
    // '.' where observation matches expectation, 'X' where it does not, '?' where either side is unknown.
    comparison: grid((p) => (p.verdict === 'unknown' ? '?' : p.verdict === 'pass' ? '.' : 'X')),
  };
}

/** Longest label that is still printed as a column header; longer ones get numbers and a legend. */
const MAX_HEADER_CHARS = 8;

/**
 * Renders one grid: header cell `-`, rows from, columns to, one mark per cell, columns padded to the widest
 * header. Long labels become column numbers with the row labels kept in full, so the table stays narrow.
 */
export function renderGrid(title: string, labels: readonly string[], grid: MarkGrid): string {
  const numbered = labels.some((l) => l.length > MAX_HEADER_CHARS);
  const headers = labels.map((l, i) => (numbered ? String(i + 1) : l));
  const rowLabels = labels.map((l, i) => (numbered ? `${i + 1} ${l}` : l));
  const firstWidth = Math.max(1, ...rowLabels.map((l) => l.length));
  const width = Math.max(1, ...headers.map((h) => h.length));
  const line = (first: string, cells: readonly string[]) =>
    `${first.padEnd(firstWidth)}  ${cells.map((c) => c.padEnd(width)).join(' ')}`.trimEnd();
  return [`${title}:`, line('-', headers), ...grid.map((row, i) => line(rowLabels[i]!, row))].join('\n');
}

/** Counts over the comparison, like e2e's `reachability: correct:N, incorrect:M, result=…`. */
export function summarizeComparison(pairs: readonly PairResult[]): string {
  const correct = pairs.filter((p) => p.verdict === 'pass').length;
  const incorrect = pairs.filter((p) => p.verdict === 'leak' || p.verdict === 'break').length;
  const unknown = pairs.length - correct - incorrect;
  return `reachability: correct:${correct}, incorrect:${incorrect}, unknown:${unknown}, result=${incorrect === 0 && unknown === 0}`;
}

/** Expected, observed and comparison tables with the summary line, as one preformatted text. */
export function renderTruthTables(labels: readonly string[], pairs: readonly PairResult[]): string {
  const grids = buildGrids(labels, pairs);
  return [
    renderGrid('expected', labels, grids.expected),
    renderGrid('observed', labels, grids.observed),
    renderGrid('comparison', labels, grids.comparison),
    summarizeComparison(pairs),
  ].join('\n\n');
}

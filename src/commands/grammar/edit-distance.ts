/**
 * Edit distance between two strings: insertions, deletions, substitutions and swaps of two adjacent characters
 * (optimal string alignment), so the common typo `deplyo` is one edit from `deploy`. Gives up (returning
 * `limit + 1`) once every alignment costs more than `limit`, so a 2,000-character typo costs no more than a short
 * one. The one edit distance of the bot: command suggestions and config key suggestions both use it.
 */
export function measureEditDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_v, j) => j);
  let previousMin = 0;
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      let cost = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        cost = Math.min(cost, (beforePrevious[j - 2] ?? 0) + 1);
      current.push(cost);
      rowMin = Math.min(rowMin, cost);
    }
    // A swap looks back two rows, so give up only when both of the last two rows are over the limit.
    if (rowMin > limit && previousMin > limit) return limit + 1;
    beforePrevious = previous;
    previous = current;
    previousMin = rowMin;
  }
  return Math.min(previous[b.length] ?? limit + 1, limit + 1);
}

/** Rating of an overlay result against bare metal, best first. */
export type Rating = 'very good' | 'good' | 'fair' | 'poor';

/**
 * Lowest overlay/bare-metal throughput ratio for each rating, best first; below the last one is `poor`.
 * The /cni-bench help text and the bench report both read these, so they cannot disagree.
 */
export const RATING_THRESHOLDS: ReadonlyArray<{ rating: Exclude<Rating, 'poor'>; minRatio: number }> = Object.freeze([
  { rating: 'very good', minRatio: 0.9 },
  { rating: 'good', minRatio: 0.75 },
  { rating: 'fair', minRatio: 0.5 },
] as const);

/** Rates an overlay/bare ratio (e.g. 0.82 → `good`). Non-finite ratios (no bare-metal result) rate `poor`. */
export function rateRatio(ratio: number): Rating {
  if (!Number.isFinite(ratio)) return 'poor';
  return RATING_THRESHOLDS.find((threshold) => ratio >= threshold.minRatio)?.rating ?? 'poor';
}

/** One help line per rating, e.g. `ratio ≥ 0.90: very good`. */
export function describeRatings(): string[] {
  const lines = RATING_THRESHOLDS.map(({ rating, minRatio }) => `overlay/bare ≥ ${minRatio.toFixed(2)}: ${rating}`);
  const lowest = RATING_THRESHOLDS[RATING_THRESHOLDS.length - 1]?.minRatio ?? 0;
  return [...lines, `overlay/bare < ${lowest.toFixed(2)}: poor`];
}

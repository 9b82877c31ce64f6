// Shared by every benchmark: one figure is a list of samples (one per round, or one per operation) and the
// result file keeps all of them beside their median and spread, so a reader sees how much a figure moves
// instead of one number taken at one moment.

/** Below this many samples p10/p90 say nothing the min and max do not; they are left out. */
const MIN_SAMPLES_FOR_DECILES = 10;

/** One figure in a result file's `summary`. */
export interface Figure {
  /** Unit of every value ("ms", "×", "commands/s", "%"). */
  unit: string;
  /** Which way is better, so the README table can say whether the target is met. */
  better: 'lower' | 'higher';
  /** Number of samples. */
  n: number;
  median: number;
  min: number;
  max: number;
  /** Present from MIN_SAMPLES_FOR_DECILES samples on (nearest-rank). */
  p10?: number;
  p90?: number;
  /**
   * The figure over all samples of all rounds pooled, when that, not the median of the per-round values, is the
   * headline (a ratio of pooled percentiles); the target is then judged on it.
   */
  pooled?: number;
  /** Target the figure is held to (same unit), if any, and whether the headline (pooled, else median) meets it. */
  target?: number;
  pass?: boolean;
  /** Every sample in the order measured; omitted only when `samplesIn` points to where they are kept. */
  samples?: number[];
  /** Where the per-operation samples are, when there are too many to repeat here. */
  samplesIn?: string;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/** Nearest-rank quantile of sorted values (q in [0, 1]). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil(q * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** Describes one figure from its samples. Throws on no samples: a figure without data is a defect, not a 0. */
export function figure(
  samples: readonly number[],
  opts: {
    unit: string;
    better: 'lower' | 'higher';
    target?: number;
    pooled?: number;
    keepSamples?: boolean;
    samplesIn?: string;
  },
): Figure {
  if (samples.length === 0) throw new Error('figure without samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const f: Figure = {
    unit: opts.unit,
    better: opts.better,
    n: samples.length,
    median: round2(median(sorted)),
    min: round2(sorted[0]!),
    max: round2(sorted[sorted.length - 1]!),
  };
  if (samples.length >= MIN_SAMPLES_FOR_DECILES) {
    f.p10 = round2(quantile(sorted, 0.1));
    f.p90 = round2(quantile(sorted, 0.9));
  }
  if (opts.pooled !== undefined) f.pooled = round2(opts.pooled);
  if (opts.target !== undefined) {
    const headline = f.pooled ?? f.median;
    f.target = opts.target;
    f.pass = opts.better === 'lower' ? headline <= opts.target : headline >= opts.target;
  }
  if (opts.keepSamples === false) f.samplesIn = opts.samplesIn ?? 'not kept';
  else f.samples = samples.map(round2);
  return f;
}

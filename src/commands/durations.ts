import { z } from 'zod';
import { UsageError } from '../errors.js';
import { formatValue } from './grammar/format-value.js';

// Units largest first, each at most once: `1h`, `2m`, `1m30s`, `500ms`, `1s500ms`. Six digits per part keep
// the sum far below Number.MAX_SAFE_INTEGER.
const DURATION = /^(?:(\d{1,6})h)?(?:(\d{1,6})m(?!s))?(?:(\d{1,6})s)?(?:(\d{1,6})ms)?$/;
const UNIT_MS = [3_600_000, 60_000, 1_000, 1] as const;

/**
 * Parses `10s`, `2m`, `500ms`, `1m30s`, `1h` into milliseconds. A unit is required; no fractions.
 * @throws UsageError when the text is not such a duration.
 */
export function parseDurationMs(text: string): number {
  const match = text === '' ? null : DURATION.exec(text);
  if (!match) throw new UsageError(`not a duration: ${formatValue(text)} (use e.g. 10s, 2m, 500ms, 1m30s)`);
  return UNIT_MS.reduce((sum, unitMs, i) => sum + Number(match[i + 1] ?? 0) * unitMs, 0);
}

/** Shortest text for a duration, e.g. 90 000 → `1m30s`, 500 → `500ms`. */
export function formatDurationMs(durationMs: number): string {
  if (durationMs === 0) return '0s';
  const parts: string[] = [];
  let rest = durationMs;
  for (const [unitMs, unit] of [
    [3_600_000, 'h'],
    [60_000, 'm'],
    [1_000, 's'],
    [1, 'ms'],
  ] as const) {
    const count = Math.floor(rest / unitMs);
    if (count > 0) parts.push(`${count}${unit}`);
    rest -= count * unitMs;
  }
  return parts.join('');
}

/** Bounds of a duration argument, in milliseconds, inclusive. */
export interface DurationBounds {
  minMs: number;
  maxMs: number;
}

/** Zod schema: duration text → milliseconds within `bounds`; the message names the range and the bad value. */
export function durationSchema(bounds: DurationBounds): z.ZodType<number, string> {
  const expected = `must be a duration from ${formatDurationMs(bounds.minMs)} to ${formatDurationMs(bounds.maxMs)}`;
  return z.string().transform((text, ctx) => {
    const match = text === '' ? null : DURATION.exec(text);
    const durationMs = match ? parseDurationMs(text) : Number.NaN;
    if (!(durationMs >= bounds.minMs && durationMs <= bounds.maxMs)) {
      ctx.issues.push({
        code: 'custom',
        message: `${expected} (e.g. 10s, 1m30s), got ${formatValue(text)}`,
        input: text,
      });
      return z.NEVER;
    }
    return durationMs;
  });
}

/**
 * Formats a duration for humans: `0.4s`, `12s`, `1m 05s`, `2h 03m`. The one human duration format of the bot,
 * used by reply headers, /jobs and every report (negative values show as `0.0s`). Durations typed as command
 * arguments have their own syntax (commands/durations.ts, `1m30s`), which must parse back.
 */
export function formatElapsed(elapsedMs: number): string {
  const ms = Math.max(0, elapsedMs);
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
  const totalS = Math.floor(ms / 1000);
  if (totalS < 60) return `${totalS}s`;
  const totalM = Math.floor(totalS / 60);
  if (totalM < 60) return `${totalM}m ${String(totalS % 60).padStart(2, '0')}s`;
  return `${Math.floor(totalM / 60)}h ${String(totalM % 60).padStart(2, '0')}m`;
}

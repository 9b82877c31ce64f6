/** Text helpers shared by the Slack and console renderers. */

/**
 * Makes untrusted text safe for Slack mrkdwn: escapes the three characters Slack treats as control sequences,
 * so user text cannot turn into mentions (`<!channel>`), links or broken entities, and drops control
 * characters, which show as nothing in Slack but cost six characters each in the JSON size budget.
 */
export function escapeMrkdwn(text: string): string {
  return stripControlChars(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Removes terminal control sequences and other C0 controls (keeps newline and tab) from untrusted text. */
export function stripControlChars(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  return text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
}

/** Collapses a value to one line, for table cells and header lines. */
export function flattenLine(text: string): string {
  return text.replace(/\s*\r?\n\s*/g, ' ');
}

/**
 * Cuts text to at most `maxChars`, dropping whole trailing lines and saying how many went. A first line that
 * alone is too long is cut mid-line so something is always shown.
 */
export function truncateLines(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const lines = text.split('\n');
  let kept = 0;
  let used = 0;
  for (const line of lines) {
    const next = used + line.length + (kept > 0 ? 1 : 0);
    const omitted = lines.length - kept - 1;
    if (next + describeOmitted(omitted).length + 1 > maxChars) break;
    used = next;
    kept += 1;
  }
  const omitted = lines.length - kept;
  const suffix = describeOmitted(omitted);
  if (kept === 0) {
    const room = Math.max(0, maxChars - suffix.length - 2);
    return `${lines[0]?.slice(0, room) ?? ''}…\n${suffix}`;
  }
  return `${lines.slice(0, kept).join('\n')}\n${suffix}`;
}

function describeOmitted(lines: number): string {
  return `… ${lines} ${lines === 1 ? 'line' : 'lines'} omitted`;
}

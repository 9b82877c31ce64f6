/** Longest slice of user text echoed back in an error; the rest is elided. */
const MAX_ECHO_CHARS = 40;

const PLAIN = /^[\w.:/@+,=-]+$/;

/**
 * Shows a user-typed value inside an error message: plain values bare (`got 0`), anything else in backticks
 * with backticks swapped out so the text cannot break out of chat formatting. Long values are cut.
 */
export function formatValue(value: string): string {
  const chars = [...value];
  const cut = chars.length > MAX_ECHO_CHARS ? `${chars.slice(0, MAX_ECHO_CHARS).join('')}…` : value;
  if (cut !== '' && PLAIN.test(cut)) return cut;
  return `\`${cut.replace(/`/g, "'")}\``;
}

/** Shows user text as inline code in an error message: always in backticks, cut, backticks swapped out. */
export function formatCode(text: string): string {
  const chars = [...text];
  const cut = chars.length > MAX_ECHO_CHARS ? `${chars.slice(0, MAX_ECHO_CHARS).join('')}…` : text;
  return `\`${cut.replace(/`/g, "'")}\``;
}

import { UsageError } from '../../errors.js';
import { formatValue } from './format-value.js';

/** A positional word, or a `key=value` option. Quotes are already removed from values. */
export type Token = { kind: 'word'; value: string } | { kind: 'option'; key: string; value: string };

/**
 * Splits sanitized text into tokens. Whitespace separates; `"…"` and `'…'` group (no escapes inside);
 * adjacent quoted and bare parts join, as in a shell. A token is an option when it has an `=` outside
 * quotes; it splits at the first such `=`, so values may contain `=`. Option keys are lower-cased
 * (they are grammar words, like command names).
 * @throws UsageError on an unterminated quote or an option without a name (`=x`).
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    if (isSpace(text[i])) {
      i++;
      continue;
    }
    const read = readToken(text, i);
    tokens.push(read.token);
    i = read.end;
  }
  return tokens;
}

function readToken(text: string, start: number): { token: Token; end: number } {
  let value = '';
  let equalsAt = -1;
  let i = start;
  while (i < text.length && !isSpace(text[i])) {
    const ch = text[i] as string;
    if (ch === '"' || ch === "'") {
      const close = text.indexOf(ch, i + 1);
      if (close < 0) throw new UsageError(`unterminated quote: ${ch} at character ${i + 1} is never closed`);
      value += text.slice(i + 1, close);
      i = close + 1;
      continue;
    }
    if (ch === '=' && equalsAt < 0) equalsAt = value.length;
    value += ch;
    i++;
  }
  return { token: toToken(value, equalsAt), end: i };
}

function toToken(value: string, equalsAt: number): Token {
  if (equalsAt < 0) return { kind: 'word', value };
  if (equalsAt === 0) throw new UsageError(`option without a name before \`=\`: ${formatValue(value)}`);
  return { kind: 'option', key: value.slice(0, equalsAt).toLowerCase(), value: value.slice(equalsAt + 1) };
}

function isSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
}

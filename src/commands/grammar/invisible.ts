import { UsageError } from '../../errors.js';

// Bidirectional controls and zero-width characters: invisible in chat, so the text that would run is not the
// text the user saw (Trojan Source, CVE-2021-42574). Refused and shown, never silently stripped.
const INVISIBLE = /[\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

const NAMES: Record<string, string> = {
  'U+200B': 'ZERO WIDTH SPACE',
  'U+200C': 'ZERO WIDTH NON-JOINER',
  'U+200D': 'ZERO WIDTH JOINER',
  'U+200E': 'LEFT-TO-RIGHT MARK',
  'U+200F': 'RIGHT-TO-LEFT MARK',
  'U+202A': 'LEFT-TO-RIGHT EMBEDDING',
  'U+202B': 'RIGHT-TO-LEFT EMBEDDING',
  'U+202C': 'POP DIRECTIONAL FORMATTING',
  'U+202D': 'LEFT-TO-RIGHT OVERRIDE',
  'U+202E': 'RIGHT-TO-LEFT OVERRIDE',
  'U+2066': 'LEFT-TO-RIGHT ISOLATE',
  'U+2067': 'RIGHT-TO-LEFT ISOLATE',
  'U+2068': 'FIRST STRONG ISOLATE',
  'U+2069': 'POP DIRECTIONAL ISOLATE',
  'U+FEFF': 'ZERO WIDTH NO-BREAK SPACE',
};

/**
 * @throws UsageError when the text holds bidirectional or zero-width characters; the message shows the text
 * with each one made visible as `[U+XXXX]` and names them.
 */
export function refuseInvisible(text: string): void {
  const found = [...text.matchAll(INVISIBLE)];
  if (found.length === 0) return;
  const codes = [...new Set(found.map((m) => m[0].codePointAt(0) ?? 0))];
  const label = (c: number) => `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
  const shown = text.slice(0, 200).replace(INVISIBLE, (ch) => `[${label(ch.codePointAt(0) ?? 0)}]`);
  const names = codes
    .slice(0, 5)
    .map((c) => `${label(c)}${NAMES[label(c)] ? ` ${NAMES[label(c)]}` : ''}`)
    .join(', ');
  throw new UsageError(
    `the command contains invisible characters (${names}), so what would run is not what you see: ${shown} — retype it without them`,
  );
}

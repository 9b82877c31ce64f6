import { UsageError } from '../../errors.js';

// Bidirectional controls and zero-width characters: invisible in chat, so the text that would run is not the
// text the user saw (Trojan Source, CVE-2021-42574). Refused and shown, never silently stripped.
const INVISIBLE = /[\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

const NAMES: Record<number, string> = {
  0x200b: 'ZERO WIDTH SPACE',
  0x200c: 'ZERO WIDTH NON-JOINER',
  0x200d: 'ZERO WIDTH JOINER',
  0x200e: 'LEFT-TO-RIGHT MARK',
  0x200f: 'RIGHT-TO-LEFT MARK',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING',
  0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE',
  0xfeff: 'ZERO WIDTH NO-BREAK SPACE',
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
    .map((c) => `${label(c)}${NAMES[c] ? ` ${NAMES[c]}` : ''}`)
    .join(', ');
  throw new UsageError(
    `the command contains invisible characters (${names}), so what would run is not what you see: ${shown} — retype it without them`,
  );
}

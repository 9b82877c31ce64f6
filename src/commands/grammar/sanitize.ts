/**
 * Undo what Slack (and phones) do to typed text before the grammar sees it, so that
 * `/deploy <http://a1|a1>` or `port=“80”` parse as the user meant.
 */

// Slack wraps links (`<scheme:…>`), mentions (`<@…>`, `<#…>`) and specials (`<!…>`) in angle brackets; the
// optional `|label` is what the user saw. Anything else in angle brackets is left alone so that `<x>` typed
// in the console stays a usage error instead of silently becoming `x`.
const SLACK_ESCAPE = /<((?:[@#!]|[a-zA-Z][a-zA-Z0-9+.-]*:)[^<>|\s]*)(?:\|([^<>]*))?>/g;
// A member mention given as the value of `user=` keeps its id: Slack sends `<@U123|ann>` (or `<@W123>` on
// Enterprise Grid) when the command escapes mentions (manifest `should_escape: true`), and the id is what the
// audit trail is keyed by. Anywhere else a mention reads as the name the user saw.
const USER_OPTION_MENTION = /(^|\s)user=<@([UW][A-Z0-9]+)(?:\|[^<>]*)?>/g;
const HTML_ENTITY = /&(amp|lt|gt);/g;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>' };
const DOUBLE_QUOTES = /[\u201C\u201D\u201E\u201F\u2033]/g;
const SINGLE_QUOTES = /[\u2018\u2019\u201A\u201B\u2032]/g;
// Line breaks and tabs separate tokens like a space does; the other spaces are typographic variants.
const SPACES = /[\t\n\v\f\r\u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]/g;
// Zero-width and bidi controls are invisible: a name that contains them is not the name the user saw.
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/g;

/** Returns the text with Slack formatting undone, quotes and spaces made plain, invisible characters removed, trimmed. */
export function sanitizeText(raw: string): string {
  return raw
    .replace(USER_OPTION_MENTION, (_match, before: string, id: string) => `${before}user=${id}`)
    .replace(SLACK_ESCAPE, (_match, target: string, label: string | undefined) => unwrapSlackEscape(target, label))
    .replace(HTML_ENTITY, (_match, name: string) => ENTITIES[name] ?? '')
    .replace(DOUBLE_QUOTES, '"')
    .replace(SINGLE_QUOTES, "'")
    .replace(SPACES, ' ')
    .replace(INVISIBLE, '')
    .replace(CONTROL, '')
    .trim();
}

/** `<@U1|ann>` → `@ann`, `<#C1|ops>` → `#ops`, `<!here>` → `@here`, `<http://x|x>` → `x`, `<mailto:a@b>` → `a@b`. */
function unwrapSlackEscape(target: string, label: string | undefined): string {
  const sigil = target[0];
  if (sigil === '@' || sigil === '#') return label ? withSigil(sigil, label) : target;
  if (sigil === '!') return label ? withSigil('@', label) : `@${target.slice(1).replace(/^subteam\^/, '')}`;
  if (label !== undefined && label !== '') return label;
  return target.replace(/^mailto:/, '');
}

function withSigil(sigil: string, label: string): string {
  return label.startsWith(sigil) ? label : `${sigil}${label}`;
}

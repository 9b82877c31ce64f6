import { maskResponseUrls } from './logging.js';

/**
 * Redaction at the boundary (issue 17 item 1). Text that comes from outside (upstream bodies, headers, error
 * messages of Nomad, Consul, Slack, SSH) is passed through `redactExternal` where an error is created, so replies,
 * job records, BullMQ failure records, audit, CLI output and metrics labels never carry a secret: only the
 * logger masked them before. The process registers its configured secrets once the config is loaded (and again
 * on every reload); a client adds the credentials it sent on the request being reported.
 */

/** What replaces a secret; the same text the logger and the config redaction use. */
const REDACTED_TEXT = '[REDACTED]';

/** Default cap of one piece of outside text (an upstream body, an error message) kept in an error. */
const EXTERNAL_TEXT_MAX = 2_000;

/** Secrets shorter than this are too common to mask (the logger uses the same floor). */
const MIN_SECRET_LENGTH = 4;

let configured: readonly string[] = [];

/**
 * Registers the configured secret values (collectSecretValues of the loaded config). Replaces the previous set
 * on reload, keeping the old values too: an error made under the previous config may still quote them.
 */
export function setBoundarySecrets(values: readonly string[]): void {
  configured = sortLongestFirst([...new Set([...configured, ...values])]);
}

/** The registered secret values (for scans in tests and the hostile suite). */
export function boundarySecrets(): readonly string[] {
  return configured;
}

export interface RedactOptions {
  /** Credentials sent on the request this text answers (a token header, a per-request URL). */
  sent?: readonly (string | undefined)[];
  /** Length cap. @defaultValue EXTERNAL_TEXT_MAX */
  max?: number;
}

/**
 * Outside text with every configured secret, every credential sent on the request, every `user:pass@` in a URL,
 * every Slack response URL and every Slack-token-shaped word masked, then capped in length. Stricter than needed
 * on purpose: token shapes are masked even when not configured, since a reply cannot tell whose token it is.
 */
export function redactExternal(text: string, opts: RedactOptions = {}): string {
  const max = opts.max ?? EXTERNAL_TEXT_MAX;
  // Cap first (with slack for the masks to find a secret cut at the edge), so a 50 MB body costs no 50 MB scans.
  let out = text.length > max + 512 ? text.slice(0, max + 512) : text;
  const sent = (opts.sent ?? []).filter((s): s is string => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH);
  for (const secret of sortLongestFirst([...sent, ...configured])) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED_TEXT);
  }
  out = maskResponseUrls(out)
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@"'<>]*@/gi, `$1${REDACTED_TEXT}@`)
    .replace(/\bx(?:ox[abposre]|app)-[A-Za-z0-9-]{6,}/g, REDACTED_TEXT);
  return capText(out, max);
}

/** Text cut to `max` characters with a note of how much was left out. */
export function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… (${text.length - max}+ more characters)`;
}

/** Any thrown value's message, redacted and capped: for errors that are not NetopsErrors (ssh2, undici, Slack). */
export function redactedMessage(err: unknown, opts: RedactOptions = {}): string {
  const message = err instanceof Error ? err.message : String(err);
  return redactExternal(message, opts);
}

function sortLongestFirst(values: string[]): string[] {
  // Longest first so that a secret containing another one is masked whole.
  return values.filter((v) => v.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}

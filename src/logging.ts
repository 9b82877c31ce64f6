import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level?: string;
  /** pino redact paths, derived from the config schema's secret fields (see config/redact.ts). */
  redactPaths?: string[];
  /** Secret values to blank out wherever they appear in a log line, also inside free text. */
  secretValues?: string[];
  /** Destination stream; defaults to stdout. Tests pass a capturing stream. */
  destination?: pino.DestinationStream;
  name?: string;
}

/**
 * Creates the process logger. Redaction works on three levels: known secret paths are censored by pino, any
 * configured secret value that slips into a message string is masked before the line is written, and so is
 * anything shaped like a chat platform's per-request response URL (a bearer capability that arrives with each
 * Slack command, not from config).
 */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const secrets = (opts.secretValues ?? []).filter((s) => s.length >= 4);
  const mask = (line: string) => maskResponseUrls(secrets.reduce((acc, s) => acc.split(s).join('[REDACTED]'), line));
  const base = opts.destination ?? pino.destination({ dest: 1, sync: true });
  const destination: pino.DestinationStream = { write: (line: string) => base.write(mask(line)) };
  return pino(
    {
      name: opts.name ?? 'netops',
      level: opts.level ?? 'info',
      redact: { paths: opts.redactPaths ?? [], censor: '[REDACTED]' },
    },
    destination,
  );
}

/** A logger that drops everything: for tests and for tools that print their own output. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}

/**
 * Masks the secret part of response URLs (Slack's `https://hooks.slack.com/commands/T…/…/…`, `/actions/…`,
 * `/app/…`, and any `…/response/<token>`), keeping scheme, host and kind so a log line still says what was called.
 */
export function maskResponseUrls(text: string): string {
  return text.replace(/(https?:\/\/[^\s"'/]+\/(?:commands|actions|app|response)\/)[^\s"'\\]+/g, '$1[REDACTED]');
}

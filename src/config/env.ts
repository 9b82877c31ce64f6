import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { FRONT_ENDS } from './schema-slack.js';
import { suggestClosest } from './suggest.js';

// Process roles of src/main/start.ts (`all`), bot.ts and worker.ts.
const ROLES = ['all', 'bot', 'worker'] as const;
// pino's levels (pino/docs/api.md "level") plus `silent`.
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const oneOf = <const T extends readonly [string, ...string[]]>(name: string, values: T) =>
  z.enum(values, {
    error: (issue) =>
      `${name}: must be ${values.slice(0, -1).join(', ')} or ${values.at(-1)}, got ${JSON.stringify(issue.input)}`,
  });

const wholeNumber = (name: string, min: number, max: number, unit = '') =>
  z
    .string()
    .refine((v) => /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max, {
      error: (issue) =>
        `${name}: must be a whole number from ${min} to ${max}${unit}, got ${JSON.stringify(issue.input)}`,
    })
    .transform(Number);

/** NETOPS_RATE_LIMIT: `off`, or `<perUserPerMinute>,<burst>,<maxTextBytes>` with any part left empty for its default. */
export type RateLimitSetting =
  | 'off'
  | { perUserPerMinute?: number | undefined; burst?: number | undefined; maxTextBytes?: number | undefined };

// Each part a positive decimal number, or empty for its default.
const RATE_PART = /^(?:\d+(?:\.\d+)?)?$/;

const rateLimitSchema = z.string().transform((text, ctx): RateLimitSetting => {
  if (text === 'off') return 'off';
  const raw = text.split(',').map((p) => p.trim());
  const parts = raw.map((p) => (p === '' ? undefined : Number(p)));
  if (raw.length > 3 || !raw.every((p) => RATE_PART.test(p)) || parts.some((p) => p !== undefined && !(p > 0))) {
    ctx.addIssue({
      code: 'custom',
      message: `NETOPS_RATE_LIMIT: must be off or <perUserPerMinute>,<burst>,<maxTextBytes> (positive numbers, any part empty for its default), got ${JSON.stringify(text)}`,
    });
    return z.NEVER;
  }
  return { perUserPerMinute: parts[0], burst: parts[1], maxTextBytes: parts[2] };
});

/**
 * Every process-level variable the bot reads, in one zod schema. Slack tokens, the signing secret and REDIS_URL
 * are not here: they are secrets, read by the config schema through their `{ env: NAME }` references
 * (config/secret.ts, defaults SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_APP_TOKEN, REDIS_URL) with the
 * same start-up errors naming the variable.
 */
const envSchema = z.object({
  /** Which part runs: `all` (npm start), `bot` or `worker`. */
  NETOPS_ROLE: oneOf('NETOPS_ROLE', ROLES).optional(),
  /** Front end, over `slack.frontend` and the secrets (config/front-end.ts). */
  NETOPS_FRONTEND: oneOf('NETOPS_FRONTEND', FRONT_ENDS).optional(),
  /** Config file when `--config` is not given. */
  NETOPS_CONFIG: z.string().optional(),
  NETOPS_RATE_LIMIT: rateLimitSchema.optional(),
  /** BullMQ lock duration of the command workers, in ms: how soon a dead worker's job is taken over. */
  NETOPS_LOCK_DURATION_MS: wholeNumber('NETOPS_LOCK_DURATION_MS', 1, 3_600_000, ' ms').optional(),
  /** Port of /metrics and /readyz for processes without the HTTP receiver. */
  NETOPS_METRICS_PORT: wholeNumber('NETOPS_METRICS_PORT', 1, 65_535).optional(),
  /** Socket Mode connections; Slack allows at most 10 per app. */
  NETOPS_SOCKET_CONNECTIONS: wholeNumber('NETOPS_SOCKET_CONNECTIONS', 1, 10).optional(),
  /** How often a running process asks Slack's auth.test again, in ms. */
  NETOPS_SLACK_AUTH_CHECK_MS: wholeNumber('NETOPS_SLACK_AUTH_CHECK_MS', 1, 86_400_000, ' ms').optional(),
  /** Who types at the console REPL. */
  NETOPS_USER: z.string().optional(),
  /** Where chart PNGs are written. */
  NETOPS_CHARTS_DIR: z.string().optional(),
  /** Data directory of the embedded redis-server. */
  NETOPS_REDIS_DIR: z.string().optional(),
  LOG_LEVEL: oneOf('LOG_LEVEL', LOG_LEVELS).optional(),
});

/** The validated process environment (unset and empty variables are absent). */
export type NetopsEnv = z.output<typeof envSchema>;

/**
 * Reads and checks every variable of {@link envSchema}. A variable set to the empty string counts as unset
 * (docker compose passes `${NAME:-}` that way); values are trimmed.
 * @throws ConfigError naming every bad variable with what it accepts, e.g. `NETOPS_ROLE: must be all, bot, worker,
 * got "wrker"`: a typo stops start-up instead of silently becoming a default.
 */
export function readNetopsEnv(env: NodeJS.ProcessEnv = process.env): NetopsEnv {
  const present: Record<string, string> = {};
  for (const name of Object.keys(envSchema.shape)) {
    const value = env[name]?.trim();
    if (value) present[name] = value;
  }
  const problems = misspeltNames(env);
  const result = envSchema.safeParse(present);
  if (result.success && problems.length === 0) return result.data;
  throw new ConfigError([...problems, ...(result.success ? [] : result.error.issues.map((issue) => issue.message))]);
}

/**
 * `NETOPS_*` names one typo away from a variable the bot reads (`NETOPS_ROEL=worker`): set, they would be ignored
 * and the bot would start with a default the operator did not want. Other `NETOPS_*` names (the test tooling's
 * NETOPS_LAB_*, compose's NETOPS_SSH_KEY) are not the bot's and stay ignored.
 */
function misspeltNames(env: NodeJS.ProcessEnv): string[] {
  const known = Object.keys(envSchema.shape);
  const problems: string[] = [];
  for (const name of Object.keys(env)) {
    if (!name.startsWith('NETOPS_') || known.includes(name) || !env[name]?.trim()) continue;
    const closest = suggestClosest(name, known);
    if (closest) problems.push(`${name}: not a variable netops reads; did you mean ${closest}?`);
  }
  return problems;
}

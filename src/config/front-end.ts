import { ConfigError } from '../errors.js';
import { readNetopsEnv } from './env.js';
import type { Config } from './schema.js';
import type { FRONT_ENDS } from './schema-slack.js';
/** A chat front end. */
export type FrontEnd = (typeof FRONT_ENDS)[number];
/** What a process runs: `all` (npm start), `bot` (src/main/bot.ts) or `worker` (src/main/worker.ts). */
export type ProcessRole = 'all' | 'bot' | 'worker';

/** Options of {@link chooseFrontEnd}. */
export interface FrontEndOptions {
  /** @defaultValue `'all'` */
  role?: ProcessRole;
  /** Read for NETOPS_FRONTEND. @defaultValue `process.env` */
  env?: NodeJS.ProcessEnv;
}

/**
 * The one place that decides which front end a process runs; start-up and tests both call it.
 * - Workers run none (`'none'`): they need at most the bot token, to post replies.
 * - Otherwise NETOPS_FRONTEND, else `slack.frontend`, else the secrets decide: an app token means Socket Mode
 *   (Slack sends nothing to request URLs once an app is switched to Socket Mode, and the app-level token exists
 *   for that connection), a signing secret means HTTP, no bot token means the console.
 * @throws ConfigError naming every missing secret, or a bot token with nothing to say how commands arrive.
 */
export function chooseFrontEnd(config: Config, opts: FrontEndOptions = {}): FrontEnd | 'none' {
  if ((opts.role ?? 'all') === 'worker') return 'none';
  const { botToken, signingSecret, appToken } = config.slack;
  const explicit = readExplicit(config, opts.env ?? process.env);
  if (explicit) {
    const problems = checkExplicit(explicit.frontEnd, config.slack).map((p) => `${explicit.source}=${p}`);
    if (problems.length > 0) throw new ConfigError(problems);
    return explicit.frontEnd;
  }
  if (botToken && appToken) return 'socket';
  if (botToken && signingSecret) return 'http';
  if (!botToken) return 'console';
  throw new ConfigError([
    'slack: a bot token alone gives the bot no way to receive commands — set SLACK_SIGNING_SECRET (HTTP receiver) or SLACK_APP_TOKEN (Socket Mode), or NETOPS_FRONTEND=console; worker processes (NETOPS_ROLE=worker, src/main/worker.ts) need only the bot token',
  ]);
}

function readExplicit(config: Config, env: NodeJS.ProcessEnv): { frontEnd: FrontEnd; source: string } | undefined {
  const fromEnv = readNetopsEnv(env).NETOPS_FRONTEND;
  if (fromEnv) return { frontEnd: fromEnv, source: 'NETOPS_FRONTEND' };
  return config.slack.frontend ? { frontEnd: config.slack.frontend, source: 'slack.frontend' } : undefined;
}

function checkExplicit(frontEnd: FrontEnd, slack: Config['slack']): string[] {
  const need: Array<[unknown, string]> =
    frontEnd === 'http'
      ? [
          [slack.botToken, 'http needs the bot token — export SLACK_BOT_TOKEN or set slack.botToken'],
          [
            slack.signingSecret,
            'http needs the signing secret — export SLACK_SIGNING_SECRET or set slack.signingSecret',
          ],
        ]
      : frontEnd === 'socket'
        ? [
            [slack.botToken, 'socket needs the bot token — export SLACK_BOT_TOKEN or set slack.botToken'],
            [slack.appToken, 'socket needs an app-level token (xapp-…) — export SLACK_APP_TOKEN or set slack.appToken'],
          ]
        : [];
  return need.filter(([value]) => !value).map(([, problem]) => problem);
}

/** Problems with the combination of Slack secrets that was set (checked once they are resolved). */
export function checkFrontEnd(config: Config): string[] {
  const { botToken, signingSecret, appToken } = config.slack;
  if (!botToken && (signingSecret || appToken)) {
    const which = appToken ? 'slack.appToken' : 'slack.signingSecret';
    return [`slack.botToken: is required with ${which} — export SLACK_BOT_TOKEN or set slack.botToken`];
  }
  return [];
}

import type { FetchFunction } from '@slack/web-api';
import { createSlackWebClient } from '../chat/slack/slack-notifier.js';
import {
  type BotIdentity,
  createSlackTokenHealth,
  describeTokenProblem,
  type SlackTokenHealth,
} from '../chat/slack/slack-token-health.js';
import type { Config } from '../config/index.js';
import { ConfigError } from '../errors.js';
import type { Logger } from '../logging.js';

/** How often a running process asks `auth.test` again, unless NETOPS_SLACK_AUTH_CHECK_MS says otherwise. */
const DEFAULT_AUTH_CHECK_MS = 60_000;

/** The bot token's health, the fetch every Slack client of this process uses, and who the token is. */
export interface SlackTokenCheck {
  health: SlackTokenHealth;
  fetch: FetchFunction;
  identity: BotIdentity | undefined;
}

/**
 * Checks the bot token once with `auth.test` before the process takes any work, and fails fast with the fix when
 * Slack refuses it (an unreachable Slack only logs: the periodic re-check and every later call keep watching).
 * Returns undefined for processes without a bot token.
 * @throws ConfigError when Slack answers invalid_auth, token_revoked, account_inactive, token_expired or not_authed.
 */
export async function checkSlackToken(
  config: Config,
  logger: Logger,
  authCheckMs = DEFAULT_AUTH_CHECK_MS,
): Promise<SlackTokenCheck | undefined> {
  const token = config.slack.botToken;
  if (!token) return undefined;
  const apiUrl = config.slack.apiUrl;
  const client = createSlackWebClient({ token, ...(apiUrl ? { slackApiUrl: apiUrl } : {}) });
  const health = createSlackTokenHealth({ client, logger });
  const identity = await health.check();
  const problem = health.problem();
  if (problem) throw new ConfigError([`SLACK_BOT_TOKEN: ${describeTokenProblem(problem.error)}`]);
  health.start(authCheckMs);
  return { health, identity, fetch: health.watch(globalThis.fetch as unknown as FetchFunction) };
}

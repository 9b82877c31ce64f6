import type { FetchFunction } from '@slack/web-api';
import { createSlackApp } from '../chat/slack/slack-app.js';
import { createSlackNotifier, createSlackWebClient } from '../chat/slack/slack-notifier.js';
import type { BotIdentity } from '../chat/slack/slack-token-health.js';
import { createTokenGatedIntake } from '../chat/slack/token-gated-intake.js';
import type { Config } from '../config/index.js';
import type { Logger } from '../logging.js';
import type { createOpsRoutes } from '../observability/http-routes.js';
import type { Producer } from '../queue/producer.js';
import type { Runtime } from './runtime.js';
import type { SlackTokenCheck } from './slack-token-check.js';

/** The Slack front end (HTTP receiver or Socket Mode) on the runtime's intake and approvals. */
export function createSlackFrontEnd(
  mode: 'http' | 'socket',
  config: Config,
  opts: {
    token: SlackTokenCheck | undefined;
    ops: Parameters<typeof createOpsRoutes>[0];
    logger: Logger;
    socketConnections: number | undefined;
    /** The ops routes (/metrics, /readyz) on the HTTP receiver's port. */
    customRoutes: ReturnType<typeof createOpsRoutes> | undefined;
  },
  runtime: Pick<Runtime, 'chat' | 'queue'>,
) {
  const { token } = opts;
  const { intake, decideApproval } = runtime.chat;
  return createSlackApp({
    mode,
    ...slackOptions(config, token?.identity),
    ...(token ? { fetch: token.fetch } : {}),
    intake: token ? createTokenGatedIntake(intake, token.health) : intake,
    decideApproval,
    ...(mode === 'socket' ? socketOptions(runtime.queue.producer, opts.socketConnections) : {}),
    logger: opts.logger,
    ...(opts.customRoutes ? { customRoutes: opts.customRoutes } : {}),
  });
}

/**
 * The notifier gets its own fail-fast client: a 429 goes back to the notify queue instead of blocking here.
 * Workers deliver replies when they have the bot token; without it the bot processes deliver them.
 */
export function createNotifier(slack: Config['slack'], logger: Logger, fetch?: FetchFunction) {
  if (!slack.botToken) return undefined;
  return createSlackNotifier({
    client: createSlackWebClient({
      token: slack.botToken,
      ...(slack.apiUrl ? { slackApiUrl: slack.apiUrl } : {}),
      ...(fetch ? { fetch } : {}),
    }),
    logger,
  });
}

/** Why /readyz says not ready: Slack refuses the bot token (checked again while running). */
export function describeTokenRefusal(token: SlackTokenCheck | undefined): string | undefined {
  const problem = token?.health.problem();
  return problem ? `Slack refuses the bot token (${problem.error})` : undefined;
}

/** Bolt's options; the bot's ids come from the config, else from the start-up auth.test, so Bolt never calls it. */
function slackOptions(config: Config, identity: BotIdentity | undefined) {
  const s = config.slack;
  const botId = s?.botId ?? identity?.botId;
  const botUserId = s?.botUserId ?? identity?.botUserId;
  return {
    botToken: s?.botToken ?? '',
    ...(s?.signingSecret ? { signingSecret: s.signingSecret } : {}),
    ...(s?.appToken ? { appToken: s.appToken } : {}),
    ...(botId ? { botId } : {}),
    ...(botUserId ? { botUserId } : {}),
    ...(s?.apiUrl ? { apiUrl: s.apiUrl } : {}),
    ...(s?.port ? { port: s.port } : {}),
  };
}

/**
 * Socket Mode: NETOPS_SOCKET_CONNECTIONS connections (default 2, at most Slack's 10), and commands held until their
 * acknowledgement went out (10 s at most: a process that dies in between still runs what it queued).
 */
function socketOptions(producer: Producer, connections = 2) {
  return {
    socketConnections: connections,
    heldJobs: {
      holdMs: 10_000,
      release: (jobId: string) => producer.releaseHeld(jobId),
      withdraw: (jobId: string) => producer.withdrawHeld(jobId),
    },
  };
}

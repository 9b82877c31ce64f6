import type { FetchFunction } from '@slack/web-api';
import pino from 'pino';
import { runConsoleRepl } from '../chat/console/console-repl.js';
import { resolveRateLimit } from '../chat/rate-limit.js';
import { createSlackApp } from '../chat/slack/slack-app.js';
import { createSlackNotifier, createSlackWebClient } from '../chat/slack/slack-notifier.js';
import type { BotIdentity } from '../chat/slack/slack-token-health.js';
import { createTokenGatedIntake } from '../chat/slack/token-gated-intake.js';
import { type NetopsEnv, readNetopsEnv } from '../config/env.js';
import { type Config, chooseFrontEnd, deploymentIdentity, loadConfigAsync, type ProcessRole } from '../config/index.js';
import { describeForUser, isNetopsError } from '../errors.js';
import { createLogger, type Logger } from '../logging.js';
import { createOpsRoutes, startOpsServer } from '../observability/http-routes.js';
import { createMetrics } from '../observability/metrics.js';
import type { Producer } from '../queue/producer.js';
import { loggerOptionsFor } from './logger-options.js';
import { createPolicySource, createWriteGuards } from './policy-source.js';
import { createProcessors } from './processors.js';
import { buildRuntime, type Runtime } from './runtime.js';
import { checkSlackToken } from './slack-token-check.js';

type Role = ProcessRole;

/**
 * `npm start`: bot and worker in one process (NETOPS_ROLE=bot or worker splits them for scale-out). The front
 * end is NETOPS_FRONTEND (http | socket | console), else `slack.frontend`, else what the secrets allow (see
 * chooseFrontEnd); workers run none and only need the bot token to post replies. REDIS_URL unset starts the
 * embedded redis-server.
 */
export async function start(roleArg?: Role): Promise<void> {
  // Every NETOPS_* variable checked before anything starts: a typo is an error naming the variable.
  const env = readNetopsEnv(process.env);
  const role = roleArg ?? env.NETOPS_ROLE ?? 'all';
  const config = await loadConfigAsync(process.env);
  const slack = config.slack;
  const mode = chooseFrontEnd(config, { role, env: process.env });
  const logger = createStartLogger(config, env, mode === 'console' && role !== 'worker');
  // Deny by default: the policy of the moment (re-read when the config file changes) guards ack and worker.
  const access = createPolicySource(config, { env: process.env, logger });
  const metrics = createMetrics({ role });
  // auth.test before anything is taken: a bad token stops here with the fix; later token errors make /readyz 503.
  const token = mode === 'console' ? undefined : await checkSlackToken(config, logger, env.NETOPS_SLACK_AUTH_CHECK_MS);
  const notifier = mode === 'console' ? undefined : createNotifier(slack, logger, token?.fetch);
  const rateLimit = resolveRateLimit(env.NETOPS_RATE_LIMIT);
  const runtime = await buildRuntime({
    redisUrl: config.redis?.url,
    ...(env.NETOPS_REDIS_DIR ? { embeddedDataDir: env.NETOPS_REDIS_DIR } : {}),
    logger,
    // Jobs carry this config's identity; workers of another config on the same Redis never run them.
    deployment: deploymentIdentity(config),
    workers: {
      // A bot-only process runs no command processors but still delivers replies (the notify queue).
      processors:
        role === 'bot'
          ? {}
          : (shared) =>
              createProcessors(config, logger, {
                redis: shared.connect,
                ...(env.NETOPS_CHARTS_DIR ? { chartsDir: env.NETOPS_CHARTS_DIR } : {}),
                guards: createWriteGuards(access, shared),
              }),
      commandQueues: role !== 'bot',
      ...(notifier ? { notifier } : {}),
      // How soon a job of a dead worker is taken over (or failed, on the ssh queue); BullMQ's default is 30 s.
      ...(env.NETOPS_LOCK_DURATION_MS ? { lockDurationMs: env.NETOPS_LOCK_DURATION_MS } : {}),
    },
    ...(rateLimit ? { rateLimit } : {}),
    metrics,
    access,
  });
  const ops = { metrics, ready: runtime.redis.ready, notReadyReason: () => describeTokenRefusal(token) };
  const slackApp =
    mode === 'console' || mode === 'none'
      ? undefined
      : createFrontEnd(mode, config, { token, ops, logger, socketConnections: env.NETOPS_SOCKET_CONNECTIONS }, runtime);
  await runtime.start();
  const opsServer =
    slackApp && mode === 'http' ? undefined : await startOwnOpsServer(ops, logger, env.NETOPS_METRICS_PORT);
  const stop = once(async () => {
    logger.info('shutting down');
    token?.health.stop();
    await slackApp?.stop().catch(() => {});
    opsServer?.close();
    await runtime.close();
    process.exit(0);
  });
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  if (slackApp) {
    const port = await slackApp.start();
    logger.info({ mode, port }, 'slack front end started');
    return;
  }
  if (role === 'worker') return;
  await runConsoleRepl({
    intake: runtime.chat.intake,
    store: runtime.stores.jobs,
    subscriber: () => runtime.redis.connect('subscriber'),
    write: (t) => process.stdout.write(t),
    userId: env.NETOPS_USER ?? config.policy?.console.user ?? 'console',
  });
  await stop();
}

/** The Slack front end (HTTP receiver or Socket Mode) on the runtime's intake and approvals. */
function createFrontEnd(
  mode: 'http' | 'socket',
  config: Config,
  opts: {
    token: Awaited<ReturnType<typeof checkSlackToken>>;
    ops: Parameters<typeof createOpsRoutes>[0];
    logger: Logger;
    socketConnections: number | undefined;
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
    ...(mode === 'http' ? { customRoutes: createOpsRoutes(opts.ops) } : {}),
  });
}

/** Why /readyz says not ready: Slack refuses the bot token (checked again while running). */
function describeTokenRefusal(token: { health: { problem(): { error: string } | undefined } } | undefined) {
  const problem = token?.health.problem();
  return problem ? `Slack refuses the bot token (${problem.error})` : undefined;
}

/** The console REPL owns stdout: its logs go to stderr and only warnings and worse unless LOG_LEVEL says more. */
function createStartLogger(config: Config, env: NetopsEnv, console: boolean): Logger {
  if (!console) return createLogger({ ...loggerOptionsFor(config), level: env.LOG_LEVEL ?? 'info' });
  return createLogger({
    ...loggerOptionsFor(config),
    level: env.LOG_LEVEL ?? 'warn',
    destination: pino.destination({ dest: 2, sync: true }),
  });
}

/**
 * The notifier gets its own fail-fast client: a 429 goes back to the notify queue instead of blocking here.
 * Workers deliver replies when they have the bot token; without it the bot processes deliver them.
 */
function createNotifier(slack: Config['slack'], logger: Logger, fetch?: FetchFunction) {
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

/** Processes without the HTTP receiver (workers, Socket Mode bots) serve /metrics on NETOPS_METRICS_PORT. */
async function startOwnOpsServer(ops: Parameters<typeof startOpsServer>[0], logger: Logger, port?: number) {
  if (!port) return undefined;
  const server = await startOpsServer(ops, port);
  logger.info({ port }, 'metrics server started');
  return server;
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

function once(fn: () => Promise<void>): () => void {
  let started = false;
  return () => {
    if (started) return;
    started = true;
    void fn();
  };
}

export function reportFatal(err: unknown, logger?: Logger): never {
  const text = isNetopsError(err) ? (err.userMessage ?? err.message) : describeForUser(err, 'startup');
  process.stderr.write(`netops: ${text}\n`);
  if (!isNetopsError(err)) logger?.error({ err }, 'fatal');
  process.exit(1);
}

if (import.meta.url === `file://${process.argv[1]}`) start().catch((err) => reportFatal(err));

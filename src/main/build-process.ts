import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { runConsoleRepl } from '../chat/console/console-repl.js';
import { resolveRateLimit } from '../chat/rate-limit.js';
import { chooseFrontEnd, deploymentIdentity, type ProcessRole } from '../config/index.js';
import { createLogger, type Logger } from '../logging.js';
import { createOpsRoutes, startOpsServer } from '../observability/http-routes.js';
import { createMetrics } from '../observability/metrics.js';
import { createNotifier, createSlackFrontEnd, describeTokenRefusal } from './build-front-end.js';
import { loggerOptionsFor } from './logger-options.js';
import { createPolicySource, createWriteGuards, type PolicySource } from './policy-source.js';
import { createProcessors } from './processors.js';
import { buildRuntime, type ProcessorFactory, type Runtime, type RuntimeOptions } from './runtime.js';
import type { ProcessSettings } from './settings.js';
import { checkSlackToken } from './slack-token-check.js';

/**
 * What kind of process is built: a long-running one (`npm start` and its `bot` / `worker` roles), or the one-shot
 * CLI (its own private queues and workers; `workers: false` for `audit export`, which runs no command). A serving
 * one with `workers: false` takes no job at all, not even the notify queue's (the ack profile,
 * bench/_ack-profile.ts: the role's intake alone); the default is the role's workers.
 */
export type ProcessProfile =
  | { kind: 'serve'; role: ProcessRole; workers?: boolean }
  | { kind: 'one-shot'; workers: boolean };

/** A built process: every collaborator made, nothing running yet. */
export interface NetopsProcess {
  logger: Logger;
  runtime: Runtime;
  /** How commands arrive here: a Slack transport, the console REPL, or none (workers, the one-shot CLI). */
  frontEnd: 'http' | 'socket' | 'console' | 'none';
  /** Waits for the queues, starts the workers and (without the HTTP receiver) the own /metrics server. */
  start(): Promise<void>;
  /** Serves the front end: Slack starts listening and this returns; the console returns when the user leaves. */
  serve(): Promise<void>;
  /** Ordered: the token watch, the front end, the /metrics server, then the runtime. Idempotent. */
  close(): Promise<void>;
}

/**
 * The composition root of every entry point: from the settings (checked environment + config) it makes the
 * logger, the access policy, metrics, the Slack token check and notifier, the processors, the runtime
 * (runtime.ts: Redis, stores, queues, producer, intake, approvals) and the front end, each from what is already
 * made. Building runs nothing but the start-up `auth.test`: `start()` and `serve()` do, `close()` undoes them.
 */
export async function buildProcess(settings: ProcessSettings, profile: ProcessProfile): Promise<NetopsProcess> {
  const { env, config } = settings;
  const role = profile.kind === 'serve' ? profile.role : 'all';
  const frontEnd = profile.kind === 'serve' ? chooseFrontEnd(config, { role, env: settings.processEnv }) : 'none';
  const logger = createProcessLogger(settings, profile, frontEnd === 'console');
  // Deny by default: the policy of the moment (re-read when the config file changes) guards ack and worker.
  const access = createPolicySource(config, {
    env: settings.processEnv,
    ...(settings.configPath ? { path: settings.configPath } : {}),
    logger,
  });
  const serving =
    profile.kind === 'serve'
      ? await buildServing(settings, { role, frontEnd, logger, access, workers: profile.workers ?? true })
      : undefined;
  const runtime = await buildRuntime({
    redisUrl: config.redis?.url,
    ...(env.NETOPS_REDIS_DIR ? { embeddedDataDir: env.NETOPS_REDIS_DIR } : {}),
    logger,
    // Jobs carry this config's identity; workers of another config on the same Redis never run them.
    deployment: deploymentIdentity(config),
    access,
    ...(serving ? serving.runtime : oneShotOptions(profile, processorsFrom(settings, logger, access))),
  });
  const ops = serving && {
    metrics: serving.metrics,
    ready: runtime.redis.ready,
    notReadyReason: () => describeTokenRefusal(serving.token),
  };
  const slackApp =
    ops && (frontEnd === 'http' || frontEnd === 'socket')
      ? createSlackFrontEnd(
          frontEnd,
          config,
          {
            token: serving.token,
            ops,
            logger,
            socketConnections: env.NETOPS_SOCKET_CONNECTIONS,
            customRoutes: frontEnd === 'http' ? createOpsRoutes(ops) : undefined,
          },
          runtime,
        )
      : undefined;
  let opsServer: Awaited<ReturnType<typeof startOpsServer>> | undefined;
  let closing: Promise<void> | undefined;
  return {
    logger,
    runtime,
    frontEnd,
    async start() {
      await runtime.start();
      // Processes without the HTTP receiver (workers, Socket Mode bots) serve /metrics on NETOPS_METRICS_PORT.
      if (ops && frontEnd !== 'http' && env.NETOPS_METRICS_PORT) {
        opsServer = await startOpsServer(ops, env.NETOPS_METRICS_PORT);
        logger.info({ port: env.NETOPS_METRICS_PORT }, 'metrics server started');
      }
    },
    async serve() {
      if (slackApp) {
        const port = await slackApp.start();
        logger.info({ mode: frontEnd, port }, 'slack front end started');
      } else if (frontEnd === 'console') {
        await runConsoleRepl({
          intake: runtime.chat.intake,
          store: runtime.stores.jobs,
          subscriber: () => runtime.redis.connect('subscriber'),
          write: (t) => process.stdout.write(t),
          userId: env.NETOPS_USER ?? config.policy?.console.user ?? 'console',
        });
      }
    },
    close() {
      closing ??= (async () => {
        serving?.token?.health.stop();
        await slackApp?.stop().catch(() => {});
        opsServer?.close();
        await runtime.close();
      })();
      return closing;
    },
  };
}

/**
 * The long-running process's own parts: metrics, the bot token checked with `auth.test` before anything is taken
 * (a bad token stops here with the fix; later token errors make /readyz 503), the notifier, and its workers.
 */
async function buildServing(
  settings: ProcessSettings,
  parts: {
    role: ProcessRole;
    frontEnd: NetopsProcess['frontEnd'];
    logger: Logger;
    access: PolicySource;
    /** False: no workers in this process (see ProcessProfile). */
    workers: boolean;
  },
) {
  const { env, config } = settings;
  const { role, frontEnd, logger } = parts;
  const metrics = createMetrics({ role });
  const token =
    frontEnd === 'console' ? undefined : await checkSlackToken(config, logger, env.NETOPS_SLACK_AUTH_CHECK_MS);
  const notifier = frontEnd === 'console' ? undefined : createNotifier(config.slack, logger, token?.fetch);
  const rateLimit = resolveRateLimit(env.NETOPS_RATE_LIMIT);
  const runtime: Partial<RuntimeOptions> = {
    ...(parts.workers
      ? {
          workers: {
            // A bot-only process runs no command processors but still delivers replies (the notify queue).
            processors: role === 'bot' ? {} : processorsFrom(settings, logger, parts.access),
            commandQueues: role !== 'bot',
            ...(notifier ? { notifier } : {}),
            // How soon a job of a dead worker is taken over (or failed, on the ssh queue); BullMQ's default is 30 s.
            ...(env.NETOPS_LOCK_DURATION_MS ? { lockDurationMs: env.NETOPS_LOCK_DURATION_MS } : {}),
          },
        }
      : {}),
    ...(rateLimit ? { rateLimit } : {}),
    metrics,
  };
  return { metrics, token, runtime };
}

/**
 * The one-shot CLI: its own identity and private queues, so its job runs here, under this config, never on a bot's
 * worker (nor does it take a bot's job), even on the bot's Redis (issue 17 item 4).
 */
function oneShotOptions(profile: ProcessProfile, processors: ProcessorFactory): Partial<RuntimeOptions> {
  return {
    privateTag: `cli-${process.pid}-${randomBytes(4).toString('hex')}`,
    // Reading the audit trail runs no command: no workers for it.
    ...(profile.kind === 'one-shot' && profile.workers ? { workers: { processors } } : {}),
  };
}

/** The command processors with their clients, made by the runtime once its stores exist (main/processors.ts). */
function processorsFrom(settings: ProcessSettings, logger: Logger, access: PolicySource): ProcessorFactory {
  const chartsDir = settings.env.NETOPS_CHARTS_DIR;
  return (shared) =>
    createProcessors(settings.config, logger, {
      redis: shared.connect,
      guards: createWriteGuards(access, shared),
      ...(chartsDir ? { chartsDir } : {}),
    });
}

/**
 * Logs go to stdout at `info`, except where stdout is the user's: the console REPL (stderr, warnings and worse)
 * and the one-shot CLI (stderr, errors only; stdout carries the result). LOG_LEVEL says otherwise in each.
 */
function createProcessLogger(settings: ProcessSettings, profile: ProcessProfile, console: boolean): Logger {
  const redaction = loggerOptionsFor(settings.config);
  const level = settings.env.LOG_LEVEL;
  if (profile.kind === 'one-shot' || console)
    return createLogger({
      ...redaction,
      level: level ?? (profile.kind === 'one-shot' ? 'error' : 'warn'),
      destination: pino.destination({ dest: 2, sync: true }),
    });
  return createLogger({ ...redaction, level: level ?? 'info' });
}

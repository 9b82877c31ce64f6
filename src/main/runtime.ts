import type { Redis } from 'ioredis';
import { type ApprovalDecider, createApprovalDecider } from '../access/approval-actions.js';
import { authorizeJob } from '../access/authorize-job.js';
import { type AccessPolicy, authorize, isAdmin, listRoles, mayRun, NO_POLICY_MESSAGE } from '../access/policy.js';
import { createIntake, type Intake } from '../chat/intake.js';
import { createRateLimitedIntake, type RateLimitOptions } from '../chat/rate-limit.js';
import { buildHelpReport, commandRegistry, parseCommand } from '../commands/index.js';
import type { Logger } from '../logging.js';
import {
  createQueueCounter,
  instrumentIntake,
  instrumentNotifier,
  observeWorkers,
} from '../observability/instrument.js';
import type { Metrics } from '../observability/metrics.js';
import { type Canceller, createCanceller } from '../queue/cancel.js';
import { createRedisConnection } from '../queue/connection.js';
import { type EmbeddedRedis, startEmbeddedRedis } from '../queue/embedded-redis.js';
import { DEFAULT_PREFIX } from '../queue/names.js';
import { createProducer, type Producer, withQueueErrors } from '../queue/producer.js';
import { createQueues, type Queues } from '../queue/queues.js';
import { createRequestClaims } from '../queue/request-claims.js';
import type { Notifier } from '../report/notifier.js';
import { type ApprovalStore, createApprovalStore } from '../stores/approval-store.js';
import { type AuditLog, createAuditLog } from '../stores/audit-log.js';
import { createDeliveryStore } from '../stores/delivery-store.js';
import { createJobStore, type JobStore } from '../stores/job-store.js';
import { createLockStore, type LockStore } from '../stores/lock-store.js';
import type { ProcessorRegistry } from '../workers/processor.js';
import { type RunningWorkers, runWorkers, settlesWithin } from '../workers/run-workers.js';

export interface RuntimeOptions {
  /** Redis URL; undefined starts the embedded redis-server. */
  redisUrl: string | undefined;
  logger: Logger;
  prefix?: string;
  /** Identity of this deployment (deploymentIdentity): stamped on every job; workers run only their own. */
  deployment?: string;
  /**
   * Run commands on queues private to this process (the one-shot CLI): no other process's worker takes them and
   * this process's workers take no one else's. They are removed on close.
   */
  privateTag?: string;
  /** Start workers in this process (bot + worker in one, the `npm start` default). */
  workers?: {
    processors: ProcessorRegistry;
    notifier?: Notifier;
    shutdownGraceMs?: number;
    commandQueues?: boolean;
    lockDurationMs?: number;
  };
  embeddedDataDir?: string;
  /** Per-user flood and size limits in front of the intake (shared through Redis by every bot process). */
  rateLimit?: RateLimitOptions;
  /** Prometheus metrics of this process: intake outcomes, job durations, queue depth, Slack errors. */
  metrics?: Metrics;
  /**
   * Access control. Entry points always pass it (deny by default: a policy getter returning undefined allows only
   * /help); without it nothing is checked, which only tests of the queue mechanics use.
   */
  access?: RuntimeAccess;
}

/** The policy of the moment (re-read when the config file changes) and what the checks need from config. */
export interface RuntimeAccess {
  policy: () => AccessPolicy | undefined;
  tenants: () => readonly string[];
  /** Audit retention; from `policy.audit`. */
  audit?: { retentionDays: number; maxLen: number };
}

export interface Runtime {
  redisUrl: string;
  queues: Queues;
  store: JobStore;
  producer: Producer;
  cancel: Canceller;
  intake: Intake;
  auditLog: AuditLog;
  approvals: ApprovalStore;
  locks: LockStore;
  /** Approve / reject (Slack buttons, `npm run netops -- approve <id>`). */
  decideApproval: ApprovalDecider;
  workers: RunningWorkers | undefined;
  /** True when Redis answers PING (for /readyz). */
  ready(): Promise<boolean>;
  /** A new connection for pub/sub watchers. */
  connect(role: 'worker' | 'subscriber'): Redis;
  close(): Promise<void>;
}

/**
 * Wires the queue side shared by every entry point: Redis (given or embedded), queues, job store, producer,
 * intake and, when asked, the workers of this process. Closing is ordered: stop taking work, finish jobs in
 * flight, then close connections, then stop the embedded Redis.
 */
export async function startRuntime(opts: RuntimeOptions): Promise<Runtime> {
  const prefix = opts.prefix ?? DEFAULT_PREFIX;
  const { url, embedded } = await resolveRedis(opts);
  const connections: Redis[] = [];
  const connect = (role: 'producer' | 'worker' | 'subscriber') => {
    const c = createRedisConnection(url, role);
    c.on('error', (err) => opts.logger.debug({ err: err.message, role }, 'redis connection error'));
    connections.push(c);
    return c;
  };
  const producerConnection = connect('producer');
  const queues = createQueues(producerConnection, prefix, opts.privateTag);
  const store = createJobStore(producerConnection, prefix);
  const producer = createProducer({
    queues,
    store,
    logger: opts.logger,
    ...(opts.deployment ? { deployment: opts.deployment } : {}),
  });
  const cancel = createCanceller({ queues, store, producer, publisher: producerConnection, prefix });
  const access = opts.access;
  const auditLog = createAuditLog(producerConnection, {
    prefix,
    retentionDays: access?.audit?.retentionDays ?? 30,
    maxLen: access?.audit?.maxLen ?? 100_000,
    logger: opts.logger,
  });
  const approvals = createApprovalStore(producerConnection, { prefix });
  const locks = createLockStore(producerConnection, { prefix });
  const decideApproval = createApprovalDecider({
    approvals,
    policy: () => access?.policy(),
    channelRules: access !== undefined,
    producer,
    store,
    delivery: createDeliveryStore(producerConnection, prefix),
    audit: auditLog.append,
    logger: opts.logger,
  });
  const intake = buildIntake(opts, { prefix, redis: producerConnection, producer, store, cancel, auditLog, locks });
  opts.metrics?.setSource('queueCounts', createQueueCounter([queues.read, queues.write, queues.ssh, queues.notify]));
  await withQueueErrors(() =>
    Promise.all(Object.values([queues.read, queues.write, queues.ssh, queues.notify]).map((q) => q.waitUntilReady())),
  );

  const workers = opts.workers
    ? await startWorkers(opts, opts.workers, { prefix, connect, store, producer, auditLog, approvals })
    : undefined;

  let closing: Promise<void> | undefined;
  return {
    redisUrl: url,
    queues,
    store,
    producer,
    cancel,
    intake,
    auditLog,
    approvals,
    locks,
    decideApproval,
    workers,
    ready: async () => (await producerConnection.ping()) === 'PONG',
    connect: (role) => connect(role),
    close() {
      closing ??= closeRuntime({ workers, queues, connections, embedded, privateTag: opts.privateTag });
      return closing;
    },
  };
}

/** The Redis to use: the given URL, else an embedded redis-server started here (stopped on close). */
async function resolveRedis(opts: RuntimeOptions): Promise<{ url: string; embedded?: EmbeddedRedis }> {
  if (opts.redisUrl) return { url: opts.redisUrl };
  const started = await startEmbeddedRedis(opts.embeddedDataDir ? { dataDir: opts.embeddedDataDir } : {});
  if (started.persistent) opts.logger.info({ url: started.url }, 'started embedded redis-server (REDIS_URL unset)');
  else
    opts.logger.warn(
      { url: started.url },
      'another netops process owns the embedded Redis folder: using a temporary one (jobs of this run are not kept)',
    );
  return { url: started.url, embedded: started };
}

/** The intake with access checks (when configured), metrics and the per-user rate limit in front. */
function buildIntake(
  opts: RuntimeOptions,
  deps: {
    prefix: string;
    redis: Redis;
    producer: Producer;
    store: JobStore;
    cancel: Canceller;
    auditLog: AuditLog;
    locks: LockStore;
  },
): Intake {
  const { prefix, producer, store, cancel, auditLog, locks } = deps;
  const producerConnection = deps.redis;
  const access = opts.access;
  const metrics = opts.metrics;
  const baseIntake = createIntake({
    parse: parseCommand,
    registry: commandRegistry,
    producer,
    store,
    cancel,
    buildHelp: (o) => buildHelpReport(commandRegistry, o),
    audit: auditLog.append,
    claims: createRequestClaims(producerConnection, { prefix }),
    access: { auditLog, locks, audit: auditLog.append, tenants: () => access?.tenants() ?? [] },
    ...(access
      ? {
          authorize: (spec, command, who) => authorize(access.policy(), spec, command.args, who),
          allowed: (spec, who) => mayRun(access.policy(), spec, who),
          isAdmin: (who) => isAdmin(access.policy(), who.userId),
          describeAccess: (who) => describeMissingAccess(access.policy(), who.userId),
        }
      : {}),
    logger: opts.logger,
  });
  const counted = metrics ? instrumentIntake(baseIntake, metrics) : baseIntake;
  const intake = opts.rateLimit
    ? createRateLimitedIntake(counted, opts.rateLimit, {
        redis: producerConnection,
        prefix,
        onLimited: (reason) =>
          metrics?.commands.inc({ outcome: reason === 'flood' ? 'rate_limited' : 'oversized', command: '' }),
      })
    : counted;
  return intake;
}

/** The workers of this process, with access re-checked on each job (when configured) and metrics observed. */
async function startWorkers(
  opts: RuntimeOptions,
  w: NonNullable<RuntimeOptions['workers']>,
  deps: {
    prefix: string;
    connect: Parameters<typeof runWorkers>[0]['connect'];
    store: JobStore;
    producer: Producer;
    auditLog: AuditLog;
    approvals: ApprovalStore;
  },
): Promise<RunningWorkers> {
  const { prefix, connect, store, producer, auditLog, approvals } = deps;
  const access = opts.access;
  const metrics = opts.metrics;
  const workers = await runWorkers({
    connect,
    store,
    producer,
    processors: w.processors,
    commandQueues: w.commandQueues ?? true,
    ...(w.notifier ? { notifier: metrics ? instrumentNotifier(w.notifier, metrics) : w.notifier } : {}),
    ...(w.shutdownGraceMs ? { shutdownGraceMs: w.shutdownGraceMs } : {}),
    ...(w.lockDurationMs ? { lockDurationMs: w.lockDurationMs } : {}),
    audit: auditLog.append,
    ...(access
      ? {
          authorize: (data) =>
            authorizeJob(access.policy(), data, { registry: commandRegistry, approvals: () => approvals }),
        }
      : {}),
    logger: opts.logger,
    prefix,
    ...(opts.privateTag ? { privateTag: opts.privateTag } : {}),
    ...(opts.deployment ? { deployment: opts.deployment } : {}),
  });
  if (metrics) observeWorkers(workers.workers, metrics);
  return workers;
}

/**
 * Ordered shutdown: stop taking work and finish jobs in flight, drop private queues, close queues (bounded),
 * then connections, then the embedded Redis.
 */
async function closeRuntime(parts: {
  workers: RunningWorkers | undefined;
  queues: Queues;
  connections: readonly Redis[];
  embedded: EmbeddedRedis | undefined;
  privateTag: string | undefined;
}): Promise<void> {
  const { workers, queues, connections, embedded } = parts;
  await workers?.close();
  // A private queue set dies with its process: nothing else will ever read it.
  if (parts.privateTag)
    await settlesWithin(
      Promise.allSettled([queues.read, queues.write, queues.ssh].map((q) => q.obliterate({ force: true }))),
      5_000,
    );
  // Queue.close waits for pending Redis commands: bounded, so shutdown never hangs on a dead Redis.
  await settlesWithin(queues.close(), 5_000);
  for (const c of connections) c.disconnect();
  await embedded?.stop();
}

/** Why a caller sees no commands in /help: no policy at all, or no role for this user. */
function describeMissingAccess(policy: AccessPolicy | undefined, userId: string): string | undefined {
  if (!policy) return NO_POLICY_MESSAGE;
  if (listRoles(policy, userId).length === 0)
    return `${userId} has no role in netops-bot: an admin must add it to policy.users (or to a group in policy.groups).`;
  return undefined;
}

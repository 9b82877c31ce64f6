import type { Redis } from 'ioredis';
import { type ApprovalDecider, createApprovalDecider } from '../access/approval-actions.js';
import { authorizeJob } from '../access/authorize-job.js';
import type { AccessPolicy } from '../access/policy.js';
import type { Intake } from '../chat/intake.js';
import type { RateLimitOptions } from '../chat/rate-limit.js';
import { commandRegistry } from '../commands/index.js';
import type { Logger } from '../logging.js';
import { createQueueCounter, instrumentNotifier, observeWorkers } from '../observability/instrument.js';
import type { Metrics, SshPoolStats } from '../observability/metrics.js';
import { type Canceller, createCanceller } from '../queue/cancel.js';
import { createRedisConnection } from '../queue/connection.js';
import { type EmbeddedRedis, startEmbeddedRedis } from '../queue/embedded-redis.js';
import { DEFAULT_PREFIX } from '../queue/names.js';
import { createProducer, type Producer, withQueueErrors } from '../queue/producer.js';
import { createQueues, type Queues } from '../queue/queues.js';
import type { Notifier } from '../report/notifier.js';
import { type ApprovalStore, createApprovalStore } from '../stores/approval-store.js';
import { type AuditLog, createAuditLog } from '../stores/audit-log.js';
import { createDeliveryStore } from '../stores/delivery-store.js';
import { createJobStore, type JobStore } from '../stores/job-store.js';
import { createLockStore, type LockStore } from '../stores/lock-store.js';
import type { ProcessorRegistry } from '../workers/processor.js';
import { type RunningWorkers, runWorkers, settlesWithin } from '../workers/run-workers.js';
import { buildIntake } from './build-intake.js';

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
  /** Workers in this process (bot + worker in one, the `npm start` default), started by `start()`. */
  workers?: {
    /** A registry (tests), or a factory given the stores built here (entry points: see main/processors.ts). */
    processors: ProcessorRegistry | ProcessorFactory;
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

/** What a processor factory gets from the runtime: the Redis records it shares, built before it. */
interface SharedStores {
  /** A new Redis connection (bench locks and history take one on first use). */
  connect(): Redis;
  approvals: ApprovalStore;
  locks: LockStore;
}

/** The processors of this process with what they hold open (SSH pools, HTTP agents). */
export interface ProcessorSet {
  registry: ProcessorRegistry;
  close(): Promise<void>;
  /** Per-host SSH pool state, for /metrics (absent without a cluster). */
  sshStats?: () => SshPoolStats;
}

export type ProcessorFactory = (shared: SharedStores) => Promise<ProcessorSet>;

/**
 * Every collaborator of one process, built from its options; nothing runs until `start()`. Grouped by what a
 * reader looks for: the Redis connection, the Redis-backed records, the queue side, the chat side's entry points.
 */
export interface Runtime {
  redis: {
    url: string;
    /** True when Redis answers PING (for /readyz). */
    ready(): Promise<boolean>;
    /** A new connection for pub/sub watchers. */
    connect(role: 'worker' | 'subscriber'): Redis;
  };
  stores: { jobs: JobStore; approvals: ApprovalStore; locks: LockStore; audit: AuditLog };
  queue: { queues: Queues; producer: Producer; cancel: Canceller };
  /** What the front ends call: a command in, and approve / reject (Slack buttons, `netops approve <id>`). */
  chat: { intake: Intake; decideApproval: ApprovalDecider };
  /** Waits for the queues, then starts this process's workers (when asked for). */
  start(): Promise<void>;
  /** Ordered: stop taking work, finish jobs in flight, close the processors, then Redis. */
  close(): Promise<void>;
}

/**
 * The composition root of the queue side shared by every entry point (start, the one-shot CLI, benches, tests):
 * Redis (given or embedded), stores, queues, producer, intake, approvals and the processors, each built once from
 * what is already built, so no collaborator refers forward to one not built yet. Building runs nothing:
 * `start()` waits for the queues and starts the workers, `close()` undoes both.
 */
export async function buildRuntime(opts: RuntimeOptions): Promise<Runtime> {
  const prefix = opts.prefix ?? DEFAULT_PREFIX;
  const { url, embedded } = await resolveRedis(opts);
  const connections: Redis[] = [];
  const connect = (role: 'producer' | 'worker' | 'subscriber') => {
    const c = createRedisConnection(url, role);
    c.on('error', (err) => opts.logger.debug({ err: err.message, role }, 'redis connection error'));
    connections.push(c);
    return c;
  };
  const redis = connect('producer');
  const stores = buildStores(opts, redis, prefix);
  const queues = createQueues(redis, prefix, opts.privateTag);
  const producer = createProducer({
    queues,
    store: stores.jobs,
    logger: opts.logger,
    ...(opts.deployment ? { deployment: opts.deployment } : {}),
  });
  const cancel = createCanceller({ queues, store: stores.jobs, producer, publisher: redis, prefix });
  const decideApproval = createApprovalDecider({
    approvals: stores.approvals,
    policy: () => opts.access?.policy(),
    channelRules: opts.access !== undefined,
    producer,
    store: stores.jobs,
    delivery: createDeliveryStore(redis, prefix),
    audit: stores.audit.append,
    logger: opts.logger,
  });
  const intake = buildIntake(opts, { prefix, redis, producer, stores, cancel });
  opts.metrics?.setSource('queueCounts', createQueueCounter([queues.read, queues.write, queues.ssh, queues.notify]));
  const processors = await buildProcessors(opts, { connect: () => connect('worker'), ...stores });

  let workers: RunningWorkers | undefined;
  let closing: Promise<void> | undefined;
  return {
    redis: { url, ready: async () => (await redis.ping()) === 'PONG', connect: (role) => connect(role) },
    stores,
    queue: { queues, producer, cancel },
    chat: { intake, decideApproval },
    async start() {
      await withQueueErrors(() =>
        Promise.all([queues.read, queues.write, queues.ssh, queues.notify].map((q) => q.waitUntilReady())),
      );
      if (opts.workers && processors)
        workers = await startWorkers(opts, opts.workers, processors.registry, {
          prefix,
          connect,
          store: stores.jobs,
          producer,
          auditLog: stores.audit,
          approvals: stores.approvals,
        });
    },
    close() {
      closing ??= closeRuntime({ workers, processors, queues, connections, embedded, privateTag: opts.privateTag });
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

/** The Redis-backed records every side shares, on the one producer connection. */
function buildStores(opts: RuntimeOptions, redis: Redis, prefix: string): Runtime['stores'] {
  return {
    jobs: createJobStore(redis, prefix),
    approvals: createApprovalStore(redis, { prefix }),
    locks: createLockStore(redis, { prefix }),
    audit: createAuditLog(redis, {
      prefix,
      retentionDays: opts.access?.audit?.retentionDays ?? 30,
      maxLen: opts.access?.audit?.maxLen ?? 100_000,
      logger: opts.logger,
    }),
  };
}

/** The processors: a given registry as is, or the factory's set (its SSH pool state observed by /metrics). */
async function buildProcessors(opts: RuntimeOptions, shared: SharedStores): Promise<ProcessorSet | undefined> {
  const given = opts.workers?.processors;
  if (given === undefined) return undefined;
  if (typeof given !== 'function') return { registry: given, close: async () => {} };
  const set = await given(shared);
  if (set.sshStats) opts.metrics?.setSource('sshStats', set.sshStats);
  return set;
}

/** The workers of this process, with access re-checked on each job (when configured) and metrics observed. */
async function startWorkers(
  opts: RuntimeOptions,
  w: NonNullable<RuntimeOptions['workers']>,
  processors: ProcessorRegistry,
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
    processors,
    commandQueues: w.commandQueues ?? true,
    ...(w.notifier ? { notifier: metrics ? instrumentNotifier(w.notifier, metrics) : w.notifier } : {}),
    ...(w.shutdownGraceMs ? { shutdownGraceMs: w.shutdownGraceMs } : {}),
    ...(w.lockDurationMs ? { lockDurationMs: w.lockDurationMs } : {}),
    audit: auditLog.append,
    ...(access
      ? {
          authorize: (data) => authorizeJob(access.policy(), data, { registry: commandRegistry, approvals }),
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
 * Ordered shutdown: stop taking work and finish jobs in flight, close the processors' clients, drop private
 * queues, close queues (bounded), then connections, then the embedded Redis.
 */
async function closeRuntime(parts: {
  workers: RunningWorkers | undefined;
  processors: ProcessorSet | undefined;
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
  await parts.processors?.close();
}

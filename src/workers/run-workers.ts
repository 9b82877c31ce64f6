import { type Job, QueueEvents, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../logging.js';
import type { CommandJobData } from '../queue/job-data.js';
import { type CommandQueueKind, DEFAULT_PREFIX, QUEUE_NAMES, QUEUE_POLICIES, queueNameFor } from '../queue/names.js';
import { createPaceSlots } from '../queue/pace-slots.js';
import type { Producer } from '../queue/producer.js';
import { createRenderLock } from '../queue/render-lock.js';
import { createRespondBudget } from '../queue/respond-budget.js';
import type { Notifier } from '../report/notifier.js';
import type { AuditSink } from '../stores/audit-log.js';
import { createDeliveryStore } from '../stores/delivery-store.js';
import { isFinalState, type JobStore } from '../stores/job-store.js';
import { createCommandHandler } from './command-handler.js';
import { createNotifyHandler } from './notify-handler.js';
import type { ProcessorRegistry } from './processor.js';

export interface RunWorkersOptions {
  /** A connection factory: BullMQ workers need their own blocking connections. */
  connect: (role: 'worker' | 'subscriber') => Redis;
  store: JobStore;
  producer: Pick<Producer, 'requestNotify' | 'scheduleNotify'>;
  processors: ProcessorRegistry;
  /** False for a front-end-only process: it delivers replies (notify) but runs no commands. @defaultValue true */
  commandQueues?: boolean;
  /** Without a notifier this process does not consume the notify queue (e.g. a CLI without Slack). */
  notifier?: Notifier;
  logger: Logger;
  prefix?: string;
  /** Consume this process's private command queues (the one-shot CLI), not the shared ones. */
  privateTag?: string;
  /** This deployment's identity: command jobs of any other identity are failed, never run (issue 17 item 4). */
  deployment?: string;
  concurrency?: Partial<Record<CommandQueueKind | 'notify', number>>;
  authorize?: (data: CommandJobData) => void | Promise<void>;
  /** Audit trail of job state changes. */
  audit?: AuditSink;
  /** How long shutdown waits for jobs in flight before cancelling them. */
  shutdownGraceMs?: number;
  /**
   * BullMQ lock duration: how long a job whose worker died stays claimed before another worker notices (the stall
   * check runs at the same interval). @defaultValue 30000
   */
  lockDurationMs?: number;
}

const DEFAULT_CONCURRENCY = { read: 8, write: 4, ssh: 4, notify: 4 };

/**
 * Starts the workers of this process. Cancellation requests arrive over Redis pub/sub (any process may have
 * taken the job); jobs that die with their worker are reported through QueueEvents so their reply message
 * says what happened instead of staying "running" forever.
 */
export async function runWorkers(opts: RunWorkersOptions) {
  const prefix = opts.prefix ?? DEFAULT_PREFIX;
  const log = opts.logger.child({ component: 'workers' });
  // Before any worker exists (and so before its first stall check): where QueueEvents start reading, below.
  const startedAtId = `${Date.now()}-0`;
  // Every queue, notify included: how long a dead worker's job stays claimed, checked at the same interval.
  const lockDurationMs = opts.lockDurationMs ?? 30_000;
  const stallDetection = { lockDuration: lockDurationMs, stalledInterval: lockDurationMs };
  const workers: Worker[] = [];
  const kinds: CommandQueueKind[] = opts.commandQueues === false ? [] : ['read', 'write', 'ssh'];
  for (const kind of kinds) {
    const handler = createCommandHandler({
      queueKind: kind,
      processors: opts.processors,
      store: opts.store,
      producer: opts.producer,
      logger: log,
      ...(opts.authorize ? { authorize: opts.authorize } : {}),
      ...(opts.audit ? { audit: opts.audit } : {}),
      ...(opts.deployment ? { deployment: opts.deployment } : {}),
    });
    workers.push(
      new Worker(queueNameFor(kind, opts.privateTag), handler, {
        connection: opts.connect('worker'),
        prefix,
        concurrency: opts.concurrency?.[kind] ?? DEFAULT_CONCURRENCY[kind],
        maxStalledCount: QUEUE_POLICIES[kind].maxStalledCount,
        ...stallDetection,
      }),
    );
  }
  if (opts.notifier) {
    // Delivery state, pacing, render locks and response-URL budgets wait for Redis like the workers do.
    const redis = opts.connect('worker');
    const handler = createNotifyHandler({
      store: opts.store,
      notifier: opts.notifier,
      delivery: createDeliveryStore(redis, prefix),
      pace: createPaceSlots(redis, prefix),
      lock: createRenderLock(redis, prefix),
      budget: createRespondBudget(redis, prefix),
      producer: opts.producer,
      logger: log,
    });
    const notifyWorker: Worker = new Worker(QUEUE_NAMES.notify, (job: Job, token?: string) => handler(job, token), {
      connection: opts.connect('worker'),
      prefix,
      concurrency: opts.concurrency?.notify ?? DEFAULT_CONCURRENCY.notify,
      maxStalledCount: QUEUE_POLICIES.notify.maxStalledCount,
      ...stallDetection,
    });
    workers.push(notifyWorker);
  }
  for (const w of workers) w.on('error', (err) => log.error({ err, queue: w.name }, 'worker error'));

  const subscriber = opts.connect('subscriber');
  const cancelChannel = `${prefix}:cancel`;
  await subscriber.subscribe(cancelChannel);
  subscriber.on('message', (_channel: string, message: string) => {
    const request = parseCancelMessage(message);
    if (!request) return log.warn({ message: message.slice(0, 200) }, 'malformed cancel message ignored');
    for (const w of workers) if (w.cancelJob(request.jobId, request.reason)) log.info(request, 'cancel delivered');
  });

  // A job whose worker died (stalled past its policy) fails inside BullMQ without running our handler. The
  // stall check of this process's own workers may fail such a job at once on start; QueueEvents would start
  // reading the events stream at '$' (whatever is last when its first XREAD runs) and miss it, leaving the job
  // `running` forever. Reading from the start time instead (stream ids are ms timestamps) closes that gap; an
  // event read twice is harmless (a final job is left alone).
  const events = kinds.map((kind) => {
    const qe = new QueueEvents(queueNameFor(kind, opts.privateTag), {
      connection: opts.connect('worker'),
      prefix,
      lastEventId: startedAtId,
    });
    qe.on('failed', ({ jobId, failedReason }) => void markOrphanFailed(jobId, failedReason));
    return qe;
  });
  async function markOrphanFailed(jobId: string, reason: string) {
    const rec = await opts.store.get(jobId);
    if (!rec || isFinalState(rec.state)) return;
    const stalled = /stalled/i.test(reason);
    const errorText = stalled
      ? 'The worker running this job stopped mid-way. Host commands are never re-run automatically: check the hosts, then run the command again.'
      : `Failed: ${reason.slice(0, 300)}`;
    await opts.store.update(jobId, { state: 'failed', finishedAt: Date.now(), errorText });
    await opts.producer.requestNotify(jobId, true, rec.reply);
    log.warn({ jobId, reason }, 'job failed outside its handler');
  }

  await Promise.all(workers.map((w) => w.waitUntilReady()));
  log.info({ queues: workers.map((w) => w.name) }, 'workers started');

  let closing: Promise<void> | undefined;
  return {
    workers,
    /** Graceful stop: stop taking jobs, let jobs in flight finish (bounded), then close connections. */
    close(): Promise<void> {
      closing ??= (async () => {
        const graceMs = opts.shutdownGraceMs ?? 30_000;
        const timer = setTimeout(() => {
          log.warn({ graceMs }, 'shutdown grace elapsed: cancelling jobs in flight');
          for (const w of workers) w.cancelAllJobs('the worker is shutting down');
        }, graceMs);
        // BullMQ's close waits for Redis; with Redis gone it would wait forever. Past the grace period (plus the
        // time cancelled jobs need to unwind) the workers are force-closed: their jobs are stalled, not lost.
        const closed = Promise.allSettled(workers.map((w) => w.close()));
        if (!(await settlesWithin(closed, graceMs + 10_000))) {
          log.warn('workers did not close in time (Redis unreachable?): forcing');
          await settlesWithin(Promise.allSettled(workers.map((w) => w.close(true))), 5_000);
        }
        clearTimeout(timer);
        await settlesWithin(Promise.allSettled(events.map((e) => e.close())), 5_000);
        subscriber.disconnect();
        log.info('workers stopped');
      })();
      return closing;
    },
  };
}

export type RunningWorkers = Awaited<ReturnType<typeof runWorkers>>;

function parseCancelMessage(message: string): { jobId: string; reason: string } | undefined {
  try {
    const value = JSON.parse(message) as { jobId?: unknown; reason?: unknown };
    if (typeof value.jobId !== 'string') return undefined;
    return { jobId: value.jobId, reason: typeof value.reason === 'string' ? value.reason : 'cancelled' };
  } catch {
    return undefined;
  }
}

/** True when the promise settled within ms; never rejects, never keeps the process alive. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
    timer.unref();
  });
  const done = promise.then(
    () => true,
    () => true,
  );
  const result = await Promise.race([done, timeout]);
  clearTimeout(timer);
  return result;
}

import type { CommandSpec, ParsedCommand } from '../commands/types.js';
import { ErrorCode, NetopsError } from '../errors.js';
import type { Logger } from '../logging.js';
import type { JobStore, NewJobRecord } from '../stores/job-store.js';
import {
  type CommandJobData,
  commandJobDataSchema,
  commandJobName,
  type ReplyTarget,
  type Requester,
} from './job-data.js';
import type { Queues } from './queues.js';

export interface EnqueueRequest {
  jobId: string;
  spec: CommandSpec;
  command: ParsedCommand;
  requester: Requester;
  reply: ReplyTarget;
}

/** Options of {@link Producer.enqueue}. */
export interface EnqueueOptions {
  /**
   * Hold the job until {@link Producer.releaseHeld} (or this long, if the process dies first): for front ends whose
   * acknowledgement can fail after the intake (Socket Mode), so a command Slack never saw acknowledged never runs.
   */
  holdMs?: number;
  /**
   * The record the intake's admission script (admit-request.ts) created for this job in the round trip before,
   * with the claim and the audit record (issue 15 item 2): only the job and its first notify are left, and they go
   * out together, one round trip. The record is there before the job is sent, so no worker finds a job without it.
   * The script also announced the record on the events channel (when not held).
   */
  recorded?: NewJobRecord;
}

export interface EnqueueResult {
  jobId: string;
  /** True when the same request was seen before: nothing new was queued. */
  duplicate: boolean;
}

/**
 * Puts commands on their queue. Idempotent per job id: the job record is created atomically first, so a
 * redelivered request finds it and queues nothing; a record whose job never reached the queue (crash between
 * the two writes) is repaired by queueing it then.
 */
export function createProducer(deps: {
  queues: Queues;
  store: JobStore;
  logger: Logger;
  now?: () => number;
  /** Stamped on every command job; workers of another deployment never run it (issue 17 item 4). */
  deployment?: string;
}) {
  const now = deps.now ?? Date.now;

  /** The record a job of this request gets (what the intake's admission script stores). */
  function recordFor(req: EnqueueRequest, createdAt = now()): NewJobRecord {
    if (req.spec.execution === 'local') throw new Error(`command ${req.spec.name} runs locally, not on a queue`);
    return {
      jobId: req.jobId,
      // The queue's own name: a private (CLI) queue differs from QUEUE_NAMES' shared one.
      queue: deps.queues[req.spec.execution].name,
      commandName: req.command.name,
      commandText: req.command.text,
      userId: req.requester.userId,
      ...(req.requester.channelId ? { channelId: req.requester.channelId } : {}),
      reply: req.reply,
      createdAt,
    };
  }

  async function enqueue(req: EnqueueRequest, opts: EnqueueOptions = {}): Promise<EnqueueResult> {
    if (req.spec.execution === 'local') throw new Error(`command ${req.spec.name} runs locally, not on a queue`);
    const queue = deps.queues[req.spec.execution];
    const record = opts.recorded ?? recordFor(req);
    const data: CommandJobData = commandJobDataSchema.parse({
      jobId: req.jobId,
      command: { name: req.command.name, args: req.command.args, text: req.command.text },
      requester: req.requester,
      reply: req.reply,
      enqueuedAt: record.createdAt,
      ...(deps.deployment ? { deployment: deps.deployment } : {}),
    });
    const jobName = commandJobName(req.command.name);
    const jobOpts = { jobId: req.jobId, ...(opts.holdMs ? { delay: opts.holdMs } : {}) };
    if (opts.recorded) {
      return withQueueErrors(async () => {
        await Promise.all([
          queue.add(jobName, data, jobOpts),
          // A held job shows nothing yet: its first message comes with releaseHeld, or never. The script published.
          opts.holdMs || req.reply.kind !== 'slack' ? undefined : addNotifyJob(req.jobId, false),
        ]);
        return { jobId: req.jobId, duplicate: false };
      });
    }
    return withQueueErrors(async () => {
      const isNew = await deps.store.create(record);
      if (!isNew) {
        const existing = await queue.getJob(req.jobId);
        const stored = await deps.store.get(req.jobId);
        if (existing || stored?.state !== 'queued') return { jobId: req.jobId, duplicate: true };
        deps.logger.warn({ jobId: req.jobId }, 'job record without queued job: re-queueing');
      }
      await queue.add(jobName, data, jobOpts);
      // A held job shows nothing yet: its first message comes with releaseHeld, or never.
      if (!opts.holdMs) await requestNotify(req.jobId, false, req.reply);
      return { jobId: req.jobId, duplicate: !isNew };
    });
  }

  /** The command queue a job record names (records keep the queue's name). */
  const queueNamed = (name: string) =>
    [deps.queues.read, deps.queues.write, deps.queues.ssh].find((q) => q.name === name);

  /** Starts a held job now (its acknowledgement reached Slack) and shows its first message. */
  async function releaseHeld(jobId: string): Promise<void> {
    await withQueueErrors(async () => {
      const record = await deps.store.get(jobId);
      if (!record) return;
      const job = await queueNamed(record.queue)?.getJob(jobId);
      // Only a job still waiting out its hold moves; one whose hold ran out is already on its way.
      if (job && (await job.isDelayed())) await job.promote();
      await requestNotify(jobId, false, record.reply);
    });
  }

  /**
   * Drops a held job whose acknowledgement never reached Slack: the user saw the command fail and may send it
   * again. False when it could not be dropped (its hold ran out and a worker has it).
   */
  async function withdrawHeld(jobId: string): Promise<boolean> {
    return withQueueErrors(async () => {
      const record = await deps.store.get(jobId);
      if (!record) return true;
      const job = await queueNamed(record.queue)?.getJob(jobId);
      if (job && !(await job.isDelayed())) return false;
      await job?.remove();
      await deps.store.forget(jobId, record.userId);
      return true;
    });
  }

  /** Asks the notify queue to render the job's latest state into its reply message (Slack replies only). */
  let counter = 0;
  async function requestNotify(jobId: string, final: boolean, reply: ReplyTarget): Promise<void> {
    if (reply.kind !== 'slack') return deps.store.publish(jobId);
    // Independent writes: sent together, one round trip instead of two on the ack path.
    await Promise.all([deps.store.publish(jobId), addNotifyJob(jobId, final)]);
  }

  /** One notify job per state change. The final one has a fixed id, so a result is never queued twice. */
  async function addNotifyJob(jobId: string, final: boolean): Promise<void> {
    counter = (counter + 1) % 1_000_000;
    const id = final ? `${jobId}-final` : `${jobId}-s${now()}-${counter}`;
    await deps.queues.notify.add('notify.update', { jobId, final }, { jobId: id });
  }

  /**
   * Asks for a render of the job's reply later (coalesced progress, a response URL's next allowed use). One job
   * per `key` and time slot: asking twice for the same moment queues one.
   */
  async function scheduleNotify(jobId: string, delayMs: number, key: string): Promise<void> {
    const slot = Math.ceil((now() + delayMs) / 1000);
    await deps.queues.notify.add(
      'notify.update',
      { jobId, final: false },
      // Removed once done, so the same key and slot can be asked for again later.
      { jobId: `${jobId}-${key}-${slot}`, delay: Math.max(0, delayMs), removeOnComplete: true },
    );
  }

  return { recordFor, enqueue, requestNotify, scheduleNotify, releaseHeld, withdrawHeld };
}

export type Producer = ReturnType<typeof createProducer>;

/** Turns Redis connection failures into a user-safe "queue unavailable" answer instead of a hang or a trace. */
export async function withQueueErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof NetopsError) throw err;
    throw new NetopsError(ErrorCode.QueueUnavailable, `queue unavailable: ${(err as Error).message}`, {
      userMessage: 'The job queue (Redis) is unreachable right now, so nothing was queued. Try again in a minute.',
      retryable: true,
      cause: err,
    });
  }
}

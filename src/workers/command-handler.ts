import type { Job } from 'bullmq';
import { CancelledError, describeForUser, ErrorCode, isNetopsError, NetopsError } from '../errors.js';
import type { Logger } from '../logging.js';
import { type CommandJobData, commandJobDataSchema } from '../queue/job-data.js';
import type { Producer } from '../queue/producer.js';
import type { Report } from '../report/model.js';
import { runInAuditScope } from '../stores/audit-context.js';
import type { AuditSink } from '../stores/audit-log.js';
import type { JobStore } from '../stores/job-store.js';
import { shouldRetry, toUnrecoverable } from './classify-error.js';
import { findProcessor, type ProcessorContext, type ProcessorRegistry } from './processor.js';

export interface CommandHandlerDeps {
  queueKind: 'read' | 'write' | 'ssh';
  processors: ProcessorRegistry;
  store: JobStore;
  producer: Pick<Producer, 'requestNotify'>;
  logger: Logger;
  /** Re-checks the caller's rights in the worker (config may have changed since the ack). */
  authorize?: (data: CommandJobData) => void | Promise<void>;
  /** Audit trail: one record per state change; shared clients (SSH) add theirs through the audit scope. */
  audit?: AuditSink;
  /** This worker's deployment identity; a job of another (or no) identity is failed, never run. */
  deployment?: string;
  now?: () => number;
}

/**
 * The BullMQ processor shared by the command queues: validates the job data again, moves the job record through
 * running → succeeded/failed/cancelled, runs the command's processor with an AbortSignal, stores the Report and
 * asks for the reply message to be updated at every step.
 */
const RESUMED_STEP =
  'the worker running this stopped mid-way: resumed on another worker (safe: re-checked before any change)';

export function createCommandHandler(deps: CommandHandlerDeps) {
  const now = deps.now ?? Date.now;
  const audit: AuditSink = deps.audit ?? (async () => {});
  const auditIds = (data: CommandJobData) => ({
    jobId: data.jobId,
    user: data.requester.userId,
    ...(data.requester.teamId ? { team: data.requester.teamId } : {}),
    ...(data.requester.enterpriseId ? { enterprise: data.requester.enterpriseId } : {}),
    command: data.command.name,
  });

  return async function handle(job: Job, _token?: string, signal?: AbortSignal): Promise<{ ok: boolean }> {
    const data = validate(job);
    const record = await deps.store.get(data.jobId);
    if (record?.state === 'cancelled' || record?.state === 'succeeded') return { ok: record.state === 'succeeded' };
    const log = deps.logger.child({ jobId: data.jobId, user: data.requester.userId, command: data.command.name });
    const controller = new AbortController();
    signal?.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
    const ctx = createContext(data, controller.signal, log);

    // BullMQ counts each time a job was found stalled (its worker died holding it) and moved back to wait
    // (moveStalledJobsToWait lua: HINCRBY stc): this run is then the resumption, and says so in the reply.
    const resumed = job.stalledCounter > 0;
    await deps.store.update(data.jobId, {
      state: 'running',
      startedAt: now(),
      ...(resumed ? { step: RESUMED_STEP, historyEntry: RESUMED_STEP } : { step: 'starting' }),
    });
    if (resumed) log.warn({ stalledCount: job.stalledCounter }, 'job stalled: resumed on another worker');
    await audit({
      type: 'job.running',
      ...auditIds(data),
      detail: `attempt ${job.attemptsMade + 1}${resumed ? ', resumed after its worker stopped' : ''}`,
    });
    await deps.producer.requestNotify(data.jobId, false, data.reply);
    try {
      if (deps.deployment && data.deployment !== deps.deployment) throw wrongDeployment(data, deps.deployment);
      if (deps.authorize) await deps.authorize(data);
      const processor = findProcessor(deps.processors, data.command.name);
      if (!processor) throw notAvailable(data.command.text);
      const report = await runInAuditScope({ jobId: data.jobId, sink: audit }, () => processor(ctx));
      if (controller.signal.aborted) throw new CancelledError(reasonText(controller.signal.reason));
      await finish(data, report.ok ? 'succeeded' : 'failed', report);
      await audit({
        type: `job.${report.ok ? 'succeeded' : 'failed'}`,
        ...auditIds(data),
        ...auditFieldsOf(report),
        durationMs: now() - data.enqueuedAt,
      });
      log.info({ ok: report.ok, durationMs: now() - data.enqueuedAt }, 'command finished');
      return { ok: report.ok };
    } catch (err) {
      await handleFailure(job, data, ctx, err);
      throw err;
    }
  };

  function validate(job: Job): CommandJobData {
    const parsed = commandJobDataSchema.safeParse(job.data);
    if (parsed.success) return parsed.data;
    deps.logger.error({ jobId: job.id, issues: parsed.error.issues }, 'invalid job data: dropped');
    throw toUnrecoverable(new Error('invalid job data'));
  }

  function createContext(data: CommandJobData, signal: AbortSignal, log: Logger): ProcessorContext {
    const notify = () => deps.producer.requestNotify(data.jobId, false, data.reply);
    return {
      jobId: data.jobId,
      command: data.command,
      requester: data.requester,
      reply: data.reply,
      signal,
      logger: log,
      progress: async (step) => {
        await deps.store.update(data.jobId, { step, historyEntry: step });
        await notify();
      },
      setQueuePosition: async (position) => {
        await deps.store.update(data.jobId, { queuePosition: position });
        await notify();
      },
    };
  }

  /**
   * Decides between retry (rethrown as is, BullMQ schedules the next attempt) and a final failure or
   * cancellation (recorded, reply updated, rethrown as unrecoverable so BullMQ stops).
   */
  async function handleFailure(job: Job, data: CommandJobData, ctx: ProcessorContext, err: unknown): Promise<void> {
    const cancelled = ctx.signal.aborted || (isNetopsError(err) && err.code === ErrorCode.Cancelled);
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (!cancelled && shouldRetry(err, deps.queueKind) && !lastAttempt) {
      ctx.logger.warn({ err, attempt: job.attemptsMade + 1 }, 'command failed, will retry');
      await ctx.progress(`retrying after: ${describeForUser(err, data.jobId)}`);
      return;
    }
    const reason = reasonText(ctx.signal.reason);
    if (cancelled) ctx.logger.info({ reason }, 'command cancelled');
    // Expected failures (user-safe: bad input, conflicts, unreachable upstreams) are warnings; bugs are errors.
    else if (isNetopsError(err) && err.isUserSafe) ctx.logger.warn({ err, ref: data.jobId }, 'command failed');
    else ctx.logger.error({ err, ref: data.jobId }, 'command failed');
    const text = cancelled ? `Cancelled: ${reason || 'cancelled'}` : describeForUser(err, data.jobId);
    await finish(data, cancelled ? 'cancelled' : 'failed', undefined, text);
    await audit({
      type: `job.${cancelled ? 'cancelled' : 'failed'}`,
      ...auditIds(data),
      outcome: isNetopsError(err) ? err.code : ErrorCode.Internal,
      detail: text.slice(0, 500),
      durationMs: now() - data.enqueuedAt,
    });
    throw toUnrecoverable(err);
  }

  async function finish(
    data: CommandJobData,
    state: 'succeeded' | 'failed' | 'cancelled',
    report?: Report,
    errorText?: string,
  ) {
    if (report) await deps.store.saveReport(data.jobId, report);
    await deps.store.update(data.jobId, {
      state,
      finishedAt: now(),
      queuePosition: null,
      ...(errorText ? { errorText } : {}),
    });
    await deps.producer.requestNotify(data.jobId, true, data.reply);
  }
}

/** Ids a report carries that the audit trail keeps (Nomad evaluation and deployment, plan, approval). */
function auditFieldsOf(report: Report): Record<string, string> {
  const r = report as Record<string, unknown>;
  const fields: Record<string, string> = { outcome: report.ok ? 'ok' : 'failed' };
  if (typeof r.evalId === 'string') fields.evalId = r.evalId;
  const deployment = r.deployment as { id?: unknown } | null | undefined;
  if (typeof deployment?.id === 'string') fields.deploymentId = deployment.id;
  if (typeof r.planHash === 'string') fields.planHash = r.planHash;
  const approval = r.approval as { id?: unknown; status?: unknown; approver?: unknown } | undefined;
  if (typeof approval?.id === 'string') fields.approvalId = approval.id;
  if (typeof approval?.status === 'string') fields.outcome = `${fields.outcome}, approval ${approval.status}`;
  if (typeof approval?.approver === 'string') fields.approver = approval.approver;
  if (typeof r.tenant === 'string') fields.tenant = r.tenant;
  return fields;
}

/**
 * A job queued by another deployment (another config on the same Redis and prefix). Decided: fail it clearly
 * rather than leave it, since BullMQ cannot hand a job to one particular worker (moving it back would spin);
 * nothing was run, and the user is told to use the bot it was sent to. The CLI never gets here: it runs its
 * jobs on private queues.
 */
function wrongDeployment(data: CommandJobData, mine: string): NetopsError {
  const theirs = data.deployment ?? '(none)';
  return new NetopsError(ErrorCode.Config, `job of deployment ${theirs} taken by a worker of deployment ${mine}`, {
    userMessage: `This command was queued by another netops deployment (${theirs}) than the worker that took it (${mine}): nothing was run. Several bots with different configs share one Redis and key prefix — give each its own prefix or Redis.`,
  });
}

function notAvailable(commandText: string): NetopsError {
  const name = commandText.split(' ')[0] ?? commandText;
  return new NetopsError(ErrorCode.NotAvailable, `no processor for ${name}`, {
    userMessage: `\`${name}\` is not available yet in this version of netops-bot: nothing was run.`,
  });
}

function reasonText(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  return typeof reason === 'string' ? reason : '';
}

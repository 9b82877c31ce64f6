import { type Job, Worker } from 'bullmq';
import { ErrorCode, NetopsError } from '../errors.js';
import type { Logger } from '../logging.js';
import { notifyJobDataSchema } from '../queue/job-data.js';
import { isFinalState, type JobRecord, type JobStore, toStatusView } from '../queue/job-store.js';
import type { Report, StatusView } from '../report/model.js';
import { type MessageRef, type Notifier, retryAfterMsOf } from '../report/notifier.js';

export interface NotifyHandlerDeps {
  store: JobStore;
  notifier: Notifier;
  logger: Logger;
}

type SlackRecord = JobRecord & { reply: { kind: 'slack'; channel: string; threadTs?: string } };

/**
 * Renders the latest stored state of a job into its one reply message. Every notify job re-reads the state, so
 * their order does not matter; the first post and the thread detail are claimed once in Redis, so a retried or
 * duplicated notify job never posts the same message or result twice.
 */
export function createNotifyHandler(deps: NotifyHandlerDeps) {
  return async function handle(job: Job, _token?: string, worker?: Worker): Promise<void> {
    const { jobId } = notifyJobDataSchema.parse(job.data);
    const rec = await deps.store.get(jobId);
    if (rec?.reply.kind !== 'slack') return;
    try {
      await render(rec as SlackRecord);
    } catch (err) {
      const waitMs = retryAfterMsOf(err);
      if (waitMs === undefined || !worker) throw err;
      // Slack said 429: pause this worker for Retry-After and put the job back without using an attempt.
      deps.logger.warn({ jobId, waitMs }, 'slack rate limit: waiting');
      await worker.rateLimit(waitMs);
      throw Worker.RateLimitError();
    }
  };

  async function render(rec: SlackRecord): Promise<void> {
    const report = isFinalState(rec.state) ? await deps.store.getReport(rec.jobId) : undefined;
    const status = toStatusView(rec);
    const ref = await postOrUpdate(rec, status, report);
    if (report) await postDetailOnce(rec.jobId, ref, report);
  }

  async function postOrUpdate(rec: SlackRecord, status: StatusView, report: Report | undefined): Promise<MessageRef> {
    if (rec.messageTs && rec.messageChannel) {
      const ref = { channel: rec.messageChannel, ts: rec.messageTs };
      await deps.notifier.update(ref, status, report);
      return ref;
    }
    if (!(await deps.store.claim(rec.jobId, 'post'))) {
      // Another notify job is posting the first message right now; try again once it has stored the ts.
      throw new NetopsError(ErrorCode.Conflict, 'first post in progress', { retryable: true });
    }
    return withReleaseOnError(rec.jobId, 'post', async () => {
      const target = {
        channel: rec.reply.channel,
        userId: rec.userId,
        ...(rec.reply.threadTs ? { threadTs: rec.reply.threadTs } : {}),
      };
      const ref = await deps.notifier.post(target, status, report);
      await deps.store.setMessage(rec.jobId, ref);
      return ref;
    });
  }

  /** Thread detail and files belong to the final result: posted at most once per job. */
  async function postDetailOnce(jobId: string, ref: MessageRef, report: Report): Promise<void> {
    const hasDetail = Boolean(report.thread?.length || report.files?.length);
    if (!hasDetail || !(await deps.store.claim(jobId, 'thread'))) return;
    await withReleaseOnError(jobId, 'thread', async () => {
      if (report.thread?.length) await deps.notifier.postThread(ref, report);
      if (report.files?.length) await deps.notifier.uploadFiles(ref, report.files);
    });
  }

  /** Runs fn under a claim; a failure releases it so the retry of this notify job can try again. */
  async function withReleaseOnError<T>(jobId: string, what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      await deps.store.release(jobId, what);
      throw err;
    }
  }
}

import { type Job, Worker } from 'bullmq';
import { ErrorCode, NetopsError } from '../errors.js';
import type { Logger } from '../logging.js';
import { notifyJobDataSchema } from '../queue/job-data.js';
import { isFinalState, type JobStore, toStatusView } from '../queue/job-store.js';
import { type Notifier, retryAfterMsOf } from '../report/notifier.js';

export interface NotifyHandlerDeps {
  store: JobStore;
  notifier: Notifier;
  logger: Logger;
}

/**
 * Renders the latest stored state of a job into its one reply message. Every notify job re-reads the state, so
 * their order does not matter; the first post and the thread detail are claimed once in Redis, so a retried or
 * duplicated notify job never posts the same message or result twice.
 */
export function createNotifyHandler(deps: NotifyHandlerDeps) {
  return async function handle(job: Job, _token?: string, worker?: Worker): Promise<void> {
    const { jobId } = notifyJobDataSchema.parse(job.data);
    const rec = await deps.store.get(jobId);
    if (!rec || rec.reply.kind !== 'slack') return;
    const final = isFinalState(rec.state);
    const report = final ? await deps.store.getReport(jobId) : undefined;
    const status = toStatusView(rec);
    try {
      let ref = rec.messageTs && rec.messageChannel ? { channel: rec.messageChannel, ts: rec.messageTs } : undefined;
      if (!ref) {
        if (!(await deps.store.claim(jobId, 'post'))) {
          // Another notify job is posting the first message right now; try again when it has stored the ts.
          throw new NetopsError(ErrorCode.Conflict, 'first post in progress', { retryable: true });
        }
        try {
          const target = { channel: rec.reply.channel, userId: rec.userId };
          ref = await deps.notifier.post(
            rec.reply.threadTs ? { ...target, threadTs: rec.reply.threadTs } : target,
            status,
            report,
          );
          await deps.store.setMessage(jobId, ref);
        } catch (err) {
          await deps.store.release(jobId, 'post');
          throw err;
        }
      } else {
        await deps.notifier.update(ref, status, report);
      }
      if (
        final &&
        report &&
        (report.thread?.length || report.files?.length) &&
        (await deps.store.claim(jobId, 'thread'))
      ) {
        try {
          if (report.thread?.length) await deps.notifier.postThread(ref, report);
          if (report.files?.length) await deps.notifier.uploadFiles(ref, report.files);
        } catch (err) {
          await deps.store.release(jobId, 'thread');
          throw err;
        }
      }
    } catch (err) {
      const waitMs = retryAfterMsOf(err);
      if (waitMs !== undefined && worker) {
        // Slack said 429: pause this worker for Retry-After and put the job back without using an attempt.
        deps.logger.warn({ jobId, waitMs }, 'slack rate limit: waiting');
        await worker.rateLimit(waitMs);
        throw Worker.RateLimitError();
      }
      throw err;
    }
  };
}

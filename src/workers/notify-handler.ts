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

/** Longer than a Slack call may take (10 s timeout): a claim this old belongs to a notifier that died mid-post. */
const POST_LEASE_MS = 20_000;
/** How long a posted message's ts is kept trying to reach Redis. */
const STORE_REF_PATIENCE_MS = 120_000;

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
      await renderUntilStable(rec as SlackRecord);
    } catch (err) {
      const waitMs = retryAfterMsOf(err);
      if (waitMs === undefined || !worker) throw err;
      // Slack said 429: pause this worker for Retry-After and put the job back without using an attempt.
      deps.logger.warn({ jobId, waitMs }, 'slack rate limit: waiting');
      await worker.rateLimit(waitMs);
      throw Worker.RateLimitError();
    }
  };

  /**
   * Notify jobs run concurrently, so a slow one can write an older state over a newer render (e.g. "Queued" over
   * the final result). Whoever writes re-reads afterwards and renders again if the state moved on meanwhile: the
   * last writer always leaves the latest state in the message.
   */
  async function renderUntilStable(first: SlackRecord): Promise<void> {
    let rec = first;
    for (let round = 0; round < 4; round++) {
      await render(rec);
      const latest = await deps.store.get(rec.jobId);
      if (!latest || renderKey(latest) === renderKey(rec)) return;
      rec = { ...(latest as SlackRecord), reply: rec.reply };
    }
  }

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
    if (!(await deps.store.claim(rec.jobId, 'post', POST_LEASE_MS))) {
      // Another notify job is posting the first message right now; try again once it has stored the ts.
      throw new NetopsError(ErrorCode.Conflict, 'first post in progress', { retryable: true });
    }
    const target = {
      channel: rec.reply.channel,
      userId: rec.userId,
      ...(rec.reply.threadTs ? { threadTs: rec.reply.threadTs } : {}),
    };
    const ref = await withReleaseOnError(rec.jobId, 'post', () => deps.notifier.post(target, status, report));
    await storeMessageRef(rec.jobId, ref);
    return ref;
  }

  /**
   * The message exists in Slack now: losing its ts would leave it never updated (and the claim held), so the ts is
   * stored even if Redis went away meanwhile, as soon as it is back.
   */
  async function storeMessageRef(jobId: string, ref: MessageRef): Promise<void> {
    const deadline = Date.now() + STORE_REF_PATIENCE_MS;
    for (;;) {
      try {
        await deps.store.setMessage(jobId, ref);
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        deps.logger.warn({ jobId, err: (err as Error).message }, 'cannot store the reply ts yet: retrying');
        await new Promise((r) => setTimeout(r, 500));
      }
    }
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

/** What the reply message shows of a record; two records with the same key render the same message. */
function renderKey(rec: JobRecord): string {
  return [rec.state, rec.step ?? '', rec.history.length, rec.queuePosition ?? '', rec.errorText ?? ''].join('|');
}

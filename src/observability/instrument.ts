import type { Job, Queue, Worker } from 'bullmq';
import type { Intake } from '../chat/intake.js';
import { ErrorCode, isNetopsError } from '../errors.js';
import type { Notifier } from '../report/notifier.js';
import { retryAfterMsOf } from '../report/notifier.js';
import type { Metrics, QueueCounts } from './metrics.js';

/**
 * Counts every intake outcome; the command label is known only once the text parsed. A flood refusal is the rate
 * limiter's to count (`rate_limited`), so it is not counted twice here.
 */
export function instrumentIntake(intake: Intake, metrics: Metrics): Intake {
  return async (cmd, gate) => {
    const result = await intake(cmd, gate);
    if (result.kind === 'refused' && result.limited) return result;
    const outcome = result.kind === 'queued' && result.duplicate ? 'duplicate' : result.kind;
    const command =
      result.kind === 'queued' ? result.command.name : result.kind === 'answer' ? result.report.command : '';
    metrics.commands.inc({ outcome, command });
    return result;
  };
}

/** Counts failed Slack calls by method and kind, then rethrows: the notify queue still decides on retries. */
export function instrumentNotifier(notifier: Notifier, metrics: Metrics): Notifier {
  const track =
    <A extends unknown[], R>(fallbackMethod: string, fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await fn(...args);
      } catch (err) {
        metrics.slackErrors.inc({ method: slackMethodOf(err, fallbackMethod), kind: slackErrorKind(err) });
        throw err;
      }
    };
  const respond = notifier.respond?.bind(notifier);
  return {
    ...(notifier.limits ? { limits: notifier.limits } : {}),
    post: track('chat.postMessage', notifier.post.bind(notifier)),
    update: track('chat.update', notifier.update.bind(notifier)),
    detailParts: (ref, report) =>
      notifier.detailParts(ref, report).map((part) => ({
        ...part,
        send: track(part.key.startsWith('file') ? 'files.completeUploadExternal' : 'chat.postMessage', part.send),
      })),
    ...(respond ? { respond: track('response_url', respond) } : {}),
  };
}

/** The kind label of a failed Slack call, from the notifier's error mapping (codes, never message text). */
function slackErrorKind(err: unknown): string {
  if (retryAfterMsOf(err) !== undefined) return 'rate_limited';
  if (!isNetopsError(err)) return 'other';
  if (err.code === ErrorCode.UpstreamUnreachable) return 'unreachable';
  const status = (err as { status?: unknown }).status;
  if (typeof status === 'number') {
    if (status >= 500) return 'http_5xx';
    if (status === 200) return 'platform';
    return 'http_4xx';
  }
  return 'other';
}

function slackMethodOf(err: unknown, fallback: string): string {
  const name = (err as { requestName?: unknown } | undefined)?.requestName;
  return typeof name === 'string' ? name.replace(/^slack\./, '') : fallback;
}

/** Records job durations and queue waits from the command workers' own events (no extra Redis calls). */
export function observeWorkers(workers: Worker[], metrics: Metrics): void {
  for (const w of workers) {
    if (w.name.endsWith('-notify')) continue;
    const queue = w.name.replace(/^netops-/, '');
    const record = (job: Job | undefined, state: string) => {
      if (!job?.processedOn) return;
      const command = job.name.replace(/^command\./, '');
      const end = job.finishedOn ?? Date.now();
      metrics.jobDuration.observe({ queue, command, state }, Math.max(0, end - job.processedOn) / 1000);
    };
    w.on('active', (job) => {
      if (job.processedOn) metrics.queueWait.observe({ queue }, Math.max(0, job.processedOn - job.timestamp) / 1000);
    });
    w.on('completed', (job, result: { ok?: boolean } | undefined) =>
      record(job, result?.ok === false ? 'failed' : 'succeeded'),
    );
    w.on('failed', (job) => {
      // A failure BullMQ will retry is not an end state; only the last attempt counts.
      if (job && job.attemptsMade < (job.opts.attempts ?? 1) && !job.finishedOn) return;
      record(job, 'failed');
    });
  }
}

/** Queue depth by state for the queue gauge. */
export function createQueueCounter(queues: Array<Pick<Queue, 'name' | 'getJobCounts'>>): () => Promise<QueueCounts> {
  return async () => {
    const entries = await Promise.all(
      queues.map(
        async (q) =>
          [
            q.name.replace(/^netops-/, ''),
            await q.getJobCounts('wait', 'active', 'delayed', 'failed', 'completed'),
          ] as const,
      ),
    );
    return Object.fromEntries(entries);
  };
}

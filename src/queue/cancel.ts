import type { Redis } from 'ioredis';
import { describeUser } from '../report/mention.js';
import { isFinalState, type JobRecord, type JobStore } from '../stores/job-store.js';
import { DEFAULT_PREFIX } from './names.js';
import type { Producer } from './producer.js';
import type { Queues } from './queues.js';

export type CancelOutcome =
  | { kind: 'cancelled'; record: JobRecord }
  | { kind: 'requested'; record: JobRecord }
  | { kind: 'finished'; record: JobRecord }
  | { kind: 'not-found' }
  | { kind: 'not-yours'; record: JobRecord };

/**
 * `/cancel`: a waiting job is removed from its queue; a running one gets a cancel request over pub/sub, which
 * the worker that holds it turns into an AbortSignal (the processor cleans up and the job ends "cancelled").
 */
export function createCanceller(deps: {
  queues: Queues;
  store: JobStore;
  producer: Pick<Producer, 'requestNotify'>;
  publisher: Redis;
  prefix?: string;
}) {
  const channel = `${deps.prefix ?? DEFAULT_PREFIX}:cancel`;
  return async function cancel(
    jobId: string,
    byUserId: string,
    opts: { admin?: boolean } = {},
  ): Promise<CancelOutcome> {
    const record = await deps.store.get(jobId);
    if (!record) return { kind: 'not-found' };
    if (record.userId !== byUserId && !opts.admin) return { kind: 'not-yours', record };
    if (isFinalState(record.state)) return { kind: 'finished', record };
    const job = await deps.queues.byName(record.queue)?.getJob(jobId);
    const state = job ? await job.getState() : 'unknown';
    if (
      job &&
      (state === 'waiting' || state === 'delayed' || state === 'prioritized' || state === 'waiting-children')
    ) {
      await job.remove();
      await deps.store.update(jobId, {
        state: 'cancelled',
        finishedAt: Date.now(),
        errorText: `Cancelled by ${describeUser(byUserId)} before it started.`,
      });
      await deps.producer.requestNotify(jobId, true, record.reply);
      return { kind: 'cancelled', record: (await deps.store.get(jobId)) ?? record };
    }
    await deps.publisher.publish(channel, JSON.stringify({ jobId, reason: `cancelled by ${byUserId}` }));
    return { kind: 'requested', record };
  };
}

export type Canceller = ReturnType<typeof createCanceller>;

import type { Redis } from 'ioredis';
import { isFinalState, type JobRecord, type JobStore } from '../../stores/job-store.js';

export interface WatchOptions {
  store: JobStore;
  /** A dedicated connection: a subscribed ioredis client cannot run other commands. */
  subscriber: Redis;
  jobId: string;
  /** Called once per observed change of state or step. */
  onChange?: (record: JobRecord) => void;
  /** Safety net for missed pub/sub messages (e.g. across a Redis reconnect). */
  pollMs?: number;
  signal?: AbortSignal;
}

/**
 * Follows a job until it reaches a final state, for front ends that own their output (console REPL, one-shot
 * CLI). Change notifications come over pub/sub; a slow poll covers messages lost while reconnecting.
 */
export async function watchJob(opts: WatchOptions): Promise<JobRecord> {
  const channel = opts.store.eventsChannel;
  let lastSeen = '';
  let done: (rec: JobRecord) => void = () => {};
  let failed: (err: unknown) => void = () => {};
  const finished = new Promise<JobRecord>((resolve, reject) => {
    done = resolve;
    failed = reject;
  });
  const check = async () => {
    const rec = await opts.store.get(opts.jobId);
    if (!rec) return;
    const key = `${rec.state}|${rec.step ?? ''}|${rec.queuePosition ?? ''}|${rec.history.length}`;
    if (key !== lastSeen) {
      lastSeen = key;
      opts.onChange?.(rec);
    }
    if (isFinalState(rec.state)) done(rec);
  };
  const onMessage = (ch: string, message: string) => {
    if (ch === channel && message === opts.jobId) check().catch(failed);
  };
  opts.subscriber.on('message', onMessage);
  await opts.subscriber.subscribe(channel);
  const timer = setInterval(() => check().catch(failed), opts.pollMs ?? 1_000);
  const onAbort = () => failed(opts.signal?.reason ?? new Error('aborted'));
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await check();
    return await finished;
  } finally {
    clearInterval(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    opts.subscriber.off('message', onMessage);
    await opts.subscriber.unsubscribe(channel).catch(() => {});
  }
}

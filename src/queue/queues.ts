import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { type CommandQueueKind, DEFAULT_PREFIX, QUEUE_POLICIES, queueNameFor } from './names.js';

/**
 * The four BullMQ queues on one connection, with per-queue default job options from the retry policies.
 * `privateTag` gives this process command queues of its own (see queueNameFor).
 */
export function createQueues(connection: Redis, prefix = DEFAULT_PREFIX, privateTag?: string) {
  const make = (kind: CommandQueueKind | 'notify') => {
    const policy = QUEUE_POLICIES[kind];
    return new Queue(queueNameFor(kind, privateTag), {
      connection,
      prefix,
      defaultJobOptions: {
        attempts: policy.attempts,
        ...(policy.backoffMs > 0 ? { backoff: { type: 'exponential', delay: policy.backoffMs } } : {}),
        // Finished jobs are kept a day so a redelivered Slack request still finds its job id.
        removeOnComplete: { age: 24 * 3600, count: 10_000 },
        removeOnFail: { age: 7 * 24 * 3600 },
      },
    });
  };
  const queues = { read: make('read'), write: make('write'), ssh: make('ssh'), notify: make('notify') };
  return {
    ...queues,
    byName(name: string): Queue | undefined {
      return Object.values(queues).find((q) => q.name === name);
    },
    async close(): Promise<void> {
      await Promise.allSettled(Object.values(queues).map((q) => q.close()));
    },
  };
}

export type Queues = ReturnType<typeof createQueues>;

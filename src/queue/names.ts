import type { ExecutionKind } from '../commands/types.js';

/**
 * Queues by retry policy. `maxStalledCount` is a worker option in BullMQ, so every policy needs its own queue.
 * - read: idempotent reads, retried on transient errors;
 * - write: cluster changes guarded by Nomad check-and-set, so a retry (or a stalled job re-run) is safe;
 * - ssh: commands on hosts, not idempotent: never re-run after a stall, never retried;
 * - notify: posts/updates the reply message; idempotent (renders the latest stored state).
 */
export const QUEUE_NAMES = {
  read: 'netops-read',
  write: 'netops-write',
  ssh: 'netops-ssh',
  notify: 'netops-notify',
} as const;

export type CommandQueueKind = Exclude<ExecutionKind, 'local'>;

export interface QueuePolicy {
  attempts: number;
  backoffMs: number;
  /** How often a job whose worker died may be picked up again (0: fail it instead). */
  maxStalledCount: number;
}

export const QUEUE_POLICIES: Record<CommandQueueKind | 'notify', QueuePolicy> = {
  read: { attempts: 3, backoffMs: 1_000, maxStalledCount: 1 },
  write: { attempts: 3, backoffMs: 2_000, maxStalledCount: 1 },
  ssh: { attempts: 1, backoffMs: 0, maxStalledCount: 0 },
  notify: { attempts: 6, backoffMs: 1_000, maxStalledCount: 1 },
};

/** Redis key prefix shared by BullMQ and the job store, so one Redis can host several bots apart. */
export const DEFAULT_PREFIX = 'netops';

/**
 * The name of a queue, private to one process when `privateTag` is set (issue 17 item 4): the one-shot CLI runs
 * its job on queues no bot worker listens to, so it never races the bot's workers for it (it once ran
 * `/status --config B` on the bot's cluster A, 6 of 6 times). The notify queue stays shared.
 */
export function queueNameFor(kind: CommandQueueKind | 'notify', privateTag?: string): string {
  return privateTag && kind !== 'notify' ? `${QUEUE_NAMES[kind]}-private-${privateTag}` : QUEUE_NAMES[kind];
}

/** BullMQ job ids must not contain ':'; Slack trigger ids contain dots and digits only, but be strict anyway. */
export function toJobId(requestId: string): string {
  return requestId.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 120);
}

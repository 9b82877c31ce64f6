import type { CommandArgsByName } from '../commands/index.js';
import type { Logger } from '../logging.js';
import type { ReplyTarget, Requester } from '../queue/job-data.js';
import type { Report } from '../report/model.js';
import type { APPROVAL_APPLY_COMMAND } from '../stores/approval-store.js';

/** Everything a command processor gets besides its own injected clients. */
export interface ProcessorContext<Args = Record<string, unknown>> {
  jobId: string;
  command: { name: string; args: Args; text: string };
  requester: Requester;
  /** Where the job's reply goes (a pending approval keeps it for the apply's reply). */
  reply?: ReplyTarget;
  /** Aborted on /cancel and on shutdown; pass it to every HTTP request and SSH command. */
  signal: AbortSignal;
  logger: Logger;
  /** Shows the current step in the reply message (e.g. "placing 1/2") and records it in the history. */
  progress(step: string): Promise<void>;
  /** Shows the place in line while waiting for a shared resource; null clears it. */
  setQueuePosition(position: number | null): Promise<void>;
}

/** Carries out one command and returns its Report. Throws NetopsError subclasses for failures. */
export type Processor<Args = Record<string, unknown>> = (ctx: ProcessorContext<Args>) => Promise<Report>;

/** Args of the approved apply of a /deploy or /deploy stop plan (queued by access/approval-actions.ts). */
export interface ApprovalApplyArgs {
  approvalId: string;
}

/** Args of every job a command worker can run, by job command name: each spec's args, plus the approved apply. */
type JobArgsByName = CommandArgsByName & { [K in typeof APPROVAL_APPLY_COMMAND]: ApprovalApplyArgs };

/** Name of a job command a processor can be registered for. */
type JobCommandName = keyof JobArgsByName;

/**
 * Processors keyed by command spec name and typed by that spec's args (commands/specs/index.ts
 * `CommandArgsByName`), so registering `deploy` with a processor for other args does not compile. A command
 * without a processor answers "not available yet".
 */
export type ProcessorRegistry = { readonly [K in JobCommandName]?: Processor<JobArgsByName[K]> };

/**
 * The processor registered for a job's command name, or undefined. This is the one place a name read back from job
 * data meets a typed processor: the args in that job were produced by the same spec's schema at enqueue
 * (commands/grammar/parse.ts) or by access/approval-actions.ts for the apply, so the widening below is sound.
 */
export function findProcessor(registry: ProcessorRegistry, name: string): Processor<unknown> | undefined {
  if (!Object.hasOwn(registry, name)) return undefined;
  return registry[name as JobCommandName] as Processor<unknown> | undefined;
}

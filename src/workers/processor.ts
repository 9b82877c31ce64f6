import type { Logger } from '../logging.js';
import type { ReplyTarget, Requester } from '../queue/job-data.js';
import type { Report } from '../report/model.js';

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
// biome-ignore lint/suspicious/noExplicitAny: processors are registered by name; each validates its own args type.
export type Processor<Args = any> = (ctx: ProcessorContext<Args>) => Promise<Report>;

/** Processors by command (spec) name. A command without a processor answers "not available yet". */
export type ProcessorRegistry = Record<string, Processor>;

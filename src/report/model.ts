/**
 * The platform-neutral result of a command. A Report is plain JSON so it can ride in a notify job and be
 * printed with `--json`; renderers (chat/render-*) turn its `blocks` into Slack Block Kit or terminal text.
 * Command-specific contract fields (see DESIGN.md "Report JSON") sit at the top level next to the view.
 */
export type ReportBlock =
  | { kind: 'heading'; text: string }
  /** Short prose. `*bold*` and `` `code` `` are the only markup renderers must support. */
  | { kind: 'text'; text: string }
  | { kind: 'fields'; fields: Array<{ label: string; value: string }> }
  | { kind: 'table'; columns: string[]; rows: string[][]; caption?: string }
  /** Something the reader must not miss (a leak, a failed deployment). */
  | { kind: 'alert'; level: 'info' | 'warning' | 'danger'; text: string }
  /** Preformatted text, e.g. a truth table or task events. */
  | { kind: 'code'; text: string }
  | { kind: 'image'; path: string; title: string; altText: string }
  /** Approve / Reject of a pending approval: Slack buttons (`netops_approve` / `netops_reject`), a hint on the console. */
  | { kind: 'actions'; approvalId: string };

interface ReportView {
  /** Command name as typed without the slash, e.g. `deploy`, `isolation-check`. */
  command: string;
  ok: boolean;
  /** One line: what ran and the outcome, e.g. "deploy httpbackend-tenant-b: healthy 2/2". */
  title: string;
  blocks: ReportBlock[];
  /** Long detail that belongs in a thread under the main message. */
  thread?: ReportBlock[];
  /** Files to attach (charts). Paths are local to the worker that produced them. */
  files?: Array<{ path: string; title: string }>;
}

/** A Report with its command-specific JSON fields. */
export type Report<Fields extends object = Record<string, unknown>> = ReportView & Fields;

/** Lifecycle of a command's reply message. */
export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** What the one reply message shows while the job is not finished (and the header once it is). */
export interface StatusView {
  jobId: string;
  state: JobState;
  /** The command text as the user typed it (sanitized). */
  commandText: string;
  userId: string;
  /** Current step, e.g. "placing 1/2". */
  step?: string;
  /** Steps done so far, oldest first. */
  history?: string[];
  /** Place in the queue while waiting for a shared resource (bench host pair). */
  queuePosition?: number;
  startedAt?: number;
  finishedAt?: number;
  /** For failures without a report: the user-safe text or a reference. */
  errorText?: string;
  /** What the reply itself could not deliver ("chart could not be posted: …"), each shown once. */
  notes?: string[];
}

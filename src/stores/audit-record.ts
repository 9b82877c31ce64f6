import { z } from 'zod';

/**
 * One audit record. Only ids, names and typed values: never a secret (tokens and keys never reach the
 * processors' inputs, and SSH is recorded by template name and host, not argv).
 */
export interface AuditEvent {
  /** What happened: `command`, `job.running`, `job.succeeded`, `approval.pending`, `ssh`, `lock`, … */
  type: string;
  jobId?: string;
  user?: string;
  /** Slack workspace (team_id) and Enterprise Grid organisation (enterprise_id) of the user. */
  team?: string;
  enterprise?: string;
  channel?: string;
  /** The command text as typed (sanitized). */
  text?: string;
  command?: string;
  args?: Record<string, unknown>;
  tenant?: string;
  approvalId?: string;
  approver?: string;
  planHash?: string;
  evalId?: string;
  deploymentId?: string;
  host?: string;
  template?: string;
  exitCode?: number | null;
  outcome?: string;
  durationMs?: number;
  detail?: string;
}

/** A stored record: the event plus its stream id and time. */
export interface AuditRecord extends AuditEvent {
  id: string;
  at: string;
}

/** Longest text field kept in an audit record (command text, detail); longer ones are cut and marked. */
export const AUDIT_TEXT_MAX = 1_000;
/** Largest serialized `args` kept; larger ones are replaced by a note (typed args are small by grammar). */
const AUDIT_ARGS_MAX_BYTES = 4_096;

const EVENT_TYPE = /^[a-z][a-z0-9.-]{0,63}$/;

const text = z.string();
/**
 * The shape every stored record must have; anything else (hand-written, corrupted, another program's) is
 * skipped when read. Unknown keys are dropped, never kept.
 */
const storedEvent = z.object({
  type: z.string().regex(EVENT_TYPE),
  jobId: text.optional(),
  user: text.optional(),
  team: text.optional(),
  enterprise: text.optional(),
  channel: text.optional(),
  text: text.optional(),
  command: text.optional(),
  args: z.record(z.string(), z.unknown()).optional(),
  tenant: text.optional(),
  approvalId: text.optional(),
  approver: text.optional(),
  planHash: text.optional(),
  evalId: text.optional(),
  deploymentId: text.optional(),
  host: text.optional(),
  template: text.optional(),
  exitCode: z.number().int().nullable().optional(),
  outcome: text.optional(),
  durationMs: z.number().finite().optional(),
  detail: text.optional(),
});

/**
 * The event as it may be written: known fields only, text fields cut at AUDIT_TEXT_MAX, oversized args
 * replaced by a note; a field of the wrong type is dropped (the record still counts). Undefined (nothing
 * written) only when the type itself is malformed.
 */
export function toStorableEvent(event: AuditEvent): AuditEvent | undefined {
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(event)) {
    if (v === undefined) continue;
    fields[k] = typeof v === 'string' && v.length > AUDIT_TEXT_MAX ? `${v.slice(0, AUDIT_TEXT_MAX)}… (cut)` : v;
  }
  if (fields.args !== undefined && Buffer.byteLength(safeJson(fields.args)) > AUDIT_ARGS_MAX_BYTES)
    fields.args = { note: `args above ${AUDIT_ARGS_MAX_BYTES} bytes not recorded` };
  const first = storedEvent.safeParse(fields);
  if (first.success) return first.data as AuditEvent;
  const bad = new Set(first.error.issues.map((i) => String(i.path[0])));
  if (bad.has('type')) return undefined;
  for (const k of bad) delete fields[k];
  const second = storedEvent.safeParse(fields);
  return second.success ? (second.data as AuditEvent) : undefined;
}

/** A stream entry as a record, or undefined when it is malformed (the readers skip and count it). */
export function parseAuditRecord(id: string, fields: readonly string[]): AuditRecord | undefined {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i] as string, fields[i + 1] as string);
  const ms = Number(id.split('-')[0]);
  if (!Number.isSafeInteger(ms)) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(map.get('data') ?? '');
  } catch {
    return undefined;
  }
  const parsed = storedEvent.safeParse(data);
  if (!parsed.success || parsed.data.type !== map.get('type')) return undefined;
  return { id, at: new Date(ms).toISOString(), ...(parsed.data as AuditEvent) };
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? '';
  } catch {
    return '\u0000'.repeat(AUDIT_ARGS_MAX_BYTES + 1);
  }
}

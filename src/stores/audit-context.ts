import { AsyncLocalStorage } from 'node:async_hooks';
import type { AuditEvent, AuditSink } from './audit-log.js';

/** The job a piece of work belongs to, so shared clients (the SSH pool) can audit per job without new params. */
export interface AuditScope {
  jobId: string;
  sink: AuditSink;
}

const storage = new AsyncLocalStorage<AuditScope>();

/** Runs `fn` with an audit scope: audit events from shared clients inside it name this job. */
export function runInAuditScope<T>(scope: AuditScope, fn: () => Promise<T>): Promise<T> {
  return storage.run(scope, fn);
}

/** Records an event for the job whose work is running now; a no-op outside any job. */
export async function auditInScope(event: Omit<AuditEvent, 'jobId'>): Promise<void> {
  const scope = storage.getStore();
  if (scope) await scope.sink({ ...event, jobId: scope.jobId });
}

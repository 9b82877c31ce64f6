import { UnrecoverableError } from 'bullmq';
import { ErrorCode, isNetopsError } from '../errors.js';
import { redactedMessage } from '../redaction.js';

/**
 * The only place that decides whether BullMQ may retry a failed command. Decided on codes and the retryable
 * flag, never on message text. Unknown errors (bugs) are not retried: repeating a bug helps nobody.
 */
export function shouldRetry(err: unknown, queueKind: string): boolean {
  if (queueKind === 'ssh') return false;
  if (!isNetopsError(err)) return false;
  if (err.code === ErrorCode.Cancelled) return false;
  return err.retryable;
}

/**
 * Wraps an error so BullMQ fails the job at once instead of retrying it. BullMQ stores the message and stack in
 * the job's failure record, so a message that did not pass the boundary (not a NetopsError) is redacted here.
 */
export function toUnrecoverable(err: unknown): UnrecoverableError {
  const message = isNetopsError(err) ? err.message : redactedMessage(err);
  const wrapped = new UnrecoverableError(message);
  wrapped.cause = err;
  return wrapped;
}

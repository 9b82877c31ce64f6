import { ErrorCode, NetopsError } from '../errors.js';

/** An upstream answered 404 for a named request: the thing asked for does not exist. */
export class UpstreamNotFoundError extends NetopsError {
  constructor(
    readonly requestName: string,
    readonly body: string,
    upstream: string,
  ) {
    super(ErrorCode.NotFound, `${requestName}: HTTP 404: ${body.slice(0, 500)}`, {
      userMessage: `${upstream}: ${firstLine(body) || 'not found'} (${requestName})`,
    });
  }
  readonly status = 404;
}

/**
 * A check-and-set write lost: the object changed since it was read (Nomad EnforceIndex). Carries the
 * upstream text so the user sees which index Nomad expected.
 */
export class UpstreamConflictError extends NetopsError {
  constructor(
    readonly requestName: string,
    readonly status: number,
    readonly body: string,
    userMessage: string,
  ) {
    super(ErrorCode.Conflict, `${requestName}: HTTP ${status}: ${body.slice(0, 500)}`, { userMessage });
  }
}

/** The first non-empty line of an upstream text body, trimmed: what is safe and useful in chat. */
export function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l.length > 0) ?? ''
  );
}

/** Node/undici error codes that mean "could not talk to the server at all". */
export const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/** The errno-style code of an error or of the first error in its cause chain / AggregateError. */
export function findErrorCode(err: unknown, depth = 0): string | undefined {
  if (typeof err !== 'object' || err === null || depth > 5) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return code;
  const nested = (err as { errors?: unknown[] }).errors;
  if (Array.isArray(nested)) {
    for (const e of nested) {
      const c = findErrorCode(e, depth + 1);
      if (c) return c;
    }
  }
  const fromCause = findErrorCode((err as { cause?: unknown }).cause, depth + 1);
  return fromCause ?? (typeof code === 'string' ? code : undefined);
}

/** NetopsError for "server not reachable", user-safe and retryable. */
export function createUnreachableError(upstream: string, address: string, code: string, cause: unknown): NetopsError {
  return new NetopsError(ErrorCode.UpstreamUnreachable, `${upstream} at ${address} is unreachable (${code})`, {
    userMessage: `${upstream} at ${address} is unreachable (${code})`,
    retryable: true,
    cause,
  });
}

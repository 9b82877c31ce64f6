import { ErrorCode, NetopsError } from '../errors.js';
import { redactExternal } from '../redaction.js';

/** An upstream answered 404 for a named request: the thing asked for does not exist. */
export class UpstreamNotFoundError extends NetopsError {
  /** The upstream body, redacted and capped (issue 17 item 1). */
  readonly body: string;
  constructor(
    readonly requestName: string,
    body: string,
    upstream: string,
  ) {
    super(ErrorCode.NotFound, `${requestName}: HTTP 404: ${body.slice(0, 500)}`, {
      userMessage: `${upstream}: ${firstLine(body).slice(0, 300) || 'not found'} (${requestName})`,
    });
    this.body = redactExternal(body);
  }
  readonly status = 404;
}

/**
 * A check-and-set write lost: the object changed since it was read (Nomad EnforceIndex). Carries the
 * upstream text so the user sees which index Nomad expected.
 */
export class UpstreamConflictError extends NetopsError {
  /** The upstream body, redacted and capped (issue 17 item 1). */
  readonly body: string;
  constructor(
    readonly requestName: string,
    readonly status: number,
    body: string,
    userMessage: string,
  ) {
    super(ErrorCode.Conflict, `${requestName}: HTTP ${status}: ${body.slice(0, 500)}`, { userMessage });
    this.body = redactExternal(body);
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

/**
 * The most telling error code in an error, its cause chain and AggregateError members: an errno code
 * (ECONNREFUSED) beats an undici wrapper code (UND_ERR_SOCKET), which beats any other code.
 */
export function findErrorCode(err: unknown): string | undefined {
  const codes: string[] = [];
  collectCodes(err, codes, 0);
  return (
    codes.find((c) => c.startsWith('E') && UNREACHABLE_CODES.has(c)) ??
    codes.find((c) => UNREACHABLE_CODES.has(c)) ??
    codes[0]
  );
}

function collectCodes(err: unknown, into: string[], depth: number): void {
  if (typeof err !== 'object' || err === null || depth > 5) return;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') into.push(code);
  const nested = (err as { errors?: unknown[] }).errors;
  if (Array.isArray(nested)) for (const e of nested) collectCodes(e, into, depth + 1);
  collectCodes((err as { cause?: unknown }).cause, into, depth + 1);
}

/** NetopsError for "server not reachable", user-safe and retryable. */
export function createUnreachableError(upstream: string, address: string, code: string, cause: unknown): NetopsError {
  return new NetopsError(ErrorCode.UpstreamUnreachable, `${upstream} at ${address} is unreachable (${code})`, {
    userMessage: `${upstream} at ${address} is unreachable (${code})`,
    retryable: true,
    cause,
  });
}

import {
  CancelledError,
  ErrorCode,
  isNetopsError,
  NetopsError,
  TimeoutError,
  UpstreamHttpError,
} from '../../errors.js';
import { redactExternal, redactedMessage } from '../../redaction.js';
import { ResponseTooLargeError } from '../upstream-body.js';
import {
  createUnreachableError,
  findErrorCode,
  firstLine,
  UNREACHABLE_CODES,
  UpstreamNotFoundError,
} from '../upstream-errors.js';

/** The fields of a papi (node-consul's HTTP layer) rejection that decide the mapping. */
interface PapiLikeError {
  message?: string;
  isPapi?: boolean;
  isValidation?: boolean;
  isTimeout?: boolean;
  isAbort?: boolean;
  statusCode?: number;
  response?: { statusCode?: number; body?: unknown };
}

/** The full response text of a papi ResponseError (the message only holds short bodies). */
export function readPapiBody(err: unknown): string {
  const body = (err as PapiLikeError)?.response?.body;
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  return JSON.stringify(body);
}

/** Maps a node-consul rejection to a NetopsError for the named request against `address`. */
export function mapConsulError(
  err: unknown,
  requestName: string,
  address: string,
  timeoutMs: number,
  token?: string,
): NetopsError {
  const e = (err ?? {}) as PapiLikeError;
  // The connector's own failure (an SSH forward refused, the host's SSH down) already says where and why.
  const fromConnector = [err, (err as { cause?: unknown })?.cause].find(isNetopsError);
  if (fromConnector) return fromConnector;
  if (e.isAbort) return new CancelledError(`${requestName} aborted`);
  if (err instanceof ResponseTooLargeError) {
    return new NetopsError(ErrorCode.UpstreamHttp, `${requestName}: ${err.message}`, {
      userMessage: `Consul at ${address} sent more than ${err.limit} bytes for ${requestName}: answer refused`,
    });
  }
  if (e.isTimeout) {
    return new TimeoutError(requestName, timeoutMs, {
      cause: err,
      userMessage: `Consul at ${address} did not answer ${requestName} within ${timeoutMs} ms`,
    });
  }
  const status = e.response?.statusCode ?? e.statusCode;
  if (e.isPapi && typeof status === 'number') {
    // Redacted of the token sent on this call (and every configured secret) before any error quotes it.
    const body = redactExternal(readPapiBody(err).trim(), { sent: [token], max: 4_000 });
    if (status === 404) return new UpstreamNotFoundError(requestName, body, `Consul at ${address}`);
    const hint = status === 403 ? " — check the bot's Consul ACL token" : '';
    return new UpstreamHttpError(requestName, status, body, {
      cause: err,
      userMessage: `Consul at ${address} answered HTTP ${status} to ${requestName}: ${firstLine(body) || '(empty body)'}${hint}`,
    });
  }
  const code = findErrorCode(err);
  if (code && UNREACHABLE_CODES.has(code) && !e.isValidation)
    return createUnreachableError('Consul', address, code, err);
  return new NetopsError(ErrorCode.Internal, `${requestName}: ${redactedMessage(err, { sent: [token] })}`, {
    cause: err,
  });
}

import { type Dispatcher, request } from 'undici';
import type { z } from 'zod';
import { CancelledError, ErrorCode, NetopsError, TimeoutError } from '../../errors.js';
import type { Logger } from '../../logging.js';
import { redactExternal, redactedMessage } from '../../redaction.js';
import { type DecodeFailure, decodeJson } from '../decode-json.js';
import { DEFAULT_READ_RETRY, type RetryPolicy, retryWithBackoff } from '../retry.js';
import { joinSlabs, ResponseTooLargeError, readCappedSlabs } from '../upstream-body.js';
import { createUnreachableError, findErrorCode, UNREACHABLE_CODES } from '../upstream-errors.js';
import { mapNomadStatus } from './map-status.js';

/** What main/ wires from config into the Nomad client. */
export interface NomadClientOptions {
  /** Base address of a Nomad agent, e.g. `http://127.0.0.1:4646` (no `/v1`). */
  address: string;
  region?: string;
  namespace?: string;
  /** ACL SecretID, sent as `X-Nomad-Token`. */
  token?: string;
  /** Overall deadline of a non-blocking call: connect, headers and the whole body (issue 17 item 6). */
  timeoutMs: number;
  /** Largest response body read; a longer one is cut and the call fails. @defaultValue DEFAULT_MAX_RESPONSE_BYTES */
  maxResponseBytes?: number;
  /** undici dispatcher (Agent, MockAgent); defaults to undici's global one. */
  dispatcher?: Dispatcher;
  logger: Logger;
  /** Retry schedule for GETs. @defaultValue 3 attempts, 200 ms × 2 */
  readRetry?: RetryPolicy;
}

/** Options every method takes. */
export interface CallOptions {
  signal?: AbortSignal;
}

/** Options of a blocking query (`?index=&wait=`). */
export interface BlockingOptions extends CallOptions {
  /** Return only once the object's index exceeds this (X-Nomad-Index of an earlier answer). */
  index?: number;
  /** Server-side wait. @defaultValue 30 000; capped at Nomad's maximum of 300 s */
  waitMs?: number;
}

/** A blocking read's answer together with the X-Nomad-Index to pass as `index` next time. */
export interface Indexed<T> {
  value: T;
  index: number;
}

/** One HTTP call as the area modules describe it. */
interface NomadCall<S extends z.ZodType> {
  /** Name used in errors and logs, e.g. `nomad.jobs.register`. */
  name: string;
  method: 'GET' | 'POST' | 'DELETE';
  /** Path below `/v1`, already encoded (use `encodePathSegment`). */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Present for blocking queries. */
  blocking?: { index?: number; waitMs?: number };
  schema: S;
  signal?: AbortSignal;
  /** Leave out `?namespace=` and `?region=` (agent endpoints answer for the agent itself). */
  unscoped?: boolean;
}

/**
 * A 2xx answer left undecoded, for a caller that decodes it off the event loop (a 40,000-job list is ~26 MB of
 * JSON: issue 17 item 7). Deadline, size cap, retries and status mapping were applied as for `call`; `failed`
 * turns the decoder's failure into the error `call` would have thrown (coded, redacted, issues at debug level).
 */
export interface UndecodedAnswer {
  /** The request's name, e.g. `nomad.jobs.list`. */
  name: string;
  /** The body in slabs of ~1 MiB (readCappedSlabs); each above 4 KB owns its ArrayBuffer, so it can be transferred. */
  slabs: Buffer[];
  index: number;
  failed(failure: DecodeFailure): NetopsError;
}

/** The HTTP core the area modules share. */
export interface NomadHttp {
  readonly address: string;
  call<S extends z.ZodType>(c: NomadCall<S>): Promise<Indexed<z.infer<S>>>;
  /** A GET like `call` (retried the same way) whose body the caller decodes itself. */
  readUndecoded(c: Omit<NomadCall<z.ZodType>, 'schema' | 'method' | 'body'>): Promise<UndecodedAnswer>;
}

const DEFAULT_WAIT_MS = 30_000;
/**
 * Default response cap: a job list of a 40,000-job cluster is ~40 MB of JSON (about 1 KB per JobListStub),
 * so 64 MiB leaves room for that and still stops an endless body long before it hurts.
 */
const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
/**
 * Nomad clamps `wait` to 300 s in every supported release (nomad/structs/structs.go MaxBlockingRPCQueryTime;
 * its docs say 10 minutes); sending more would only stretch our own HTTP timeout.
 */
export const MAX_WAIT_MS = 300_000;

/**
 * HTTP timeout of a blocking call: Nomad adds up to wait/16 of jitter before answering, plus 5 s of slack
 * for the network and a busy leader. Without this, undici's own 300 s default could cut a 5 min wait.
 */
export function computeBlockingTimeoutMs(waitMs: number): number {
  return Math.ceil((waitMs * 17) / 16) + 5_000;
}

/** Encodes one path segment (job IDs may contain `/` or spaces). */
export function encodePathSegment(s: string): string {
  return encodeURIComponent(s);
}

/** Creates the shared request function: token, namespace/region, timeouts, retries for GETs, error mapping. */
export function createNomadHttp(opts: NomadClientOptions): NomadHttp {
  const base = opts.address.replace(/\/+$/, '');
  const retry = opts.readRetry ?? DEFAULT_READ_RETRY;
  const log = opts.logger.child({ upstream: 'nomad' });

  function buildRequest(c: Omit<NomadCall<z.ZodType>, 'schema'>): {
    url: URL;
    headers: Record<string, string>;
    timeoutMs: number;
  } {
    const url = new URL(`${base}/v1${c.path}`);
    const query: Record<string, string | number | boolean | undefined> = {
      ...(c.unscoped ? {} : { namespace: opts.namespace, region: opts.region }),
      ...c.query,
    };
    let timeoutMs = opts.timeoutMs;
    if (c.blocking) {
      const waitMs = Math.min(Math.max(c.blocking.waitMs ?? DEFAULT_WAIT_MS, 1), MAX_WAIT_MS);
      query.wait = `${Math.ceil(waitMs)}ms`;
      query.index = c.blocking.index;
      timeoutMs = computeBlockingTimeoutMs(waitMs);
    }
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (opts.token) headers['x-nomad-token'] = opts.token;
    if (c.body !== undefined) headers['content-type'] = 'application/json';
    return { url, headers, timeoutMs };
  }

  const maxBytes = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  /** Outside text made safe: the token this client sends is masked even when it is not a configured secret. */
  const clean = (text: string, max?: number) => redactExternal(text, { sent: [opts.token], ...(max ? { max } : {}) });

  /** One request: the body of a 2xx answer as bytes, every other outcome as the client's coded error. */
  async function fetchOnce(c: Omit<NomadCall<z.ZodType>, 'schema'>): Promise<{ slabs: Buffer[]; index: number }> {
    const { url, headers, timeoutMs } = buildRequest(c);
    const started = Date.now();
    // One overall deadline for connect, headers and body: undici's headers/body timeouts are per chunk, so a
    // body dripping a byte a second would otherwise never end (issue 17 item 6).
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = c.signal ? AbortSignal.any([c.signal, deadline]) : deadline;
    let status: number;
    let indexHeader: string | string[] | undefined;
    let slabs: Buffer[];
    try {
      const res = await request(url, {
        method: c.method,
        headers,
        body: c.body === undefined ? undefined : JSON.stringify(c.body),
        dispatcher: opts.dispatcher,
        signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      status = res.statusCode;
      indexHeader = res.headers['x-nomad-index'];
      slabs = await readCappedSlabs(res.body, maxBytes);
    } catch (err) {
      throw mapTransportError(err, c, timeoutMs, deadline);
    }
    log.debug({ request: c.name, status, ms: Date.now() - started }, 'nomad call');
    if (status < 200 || status >= 300) {
      throw mapNomadStatus(c.name, status, clean(joinSlabs(slabs).toString('utf8'), 4_000));
    }
    return { slabs, index: Number(indexHeader ?? 0) || 0 };
  }

  async function callOnce<S extends z.ZodType>(c: NomadCall<S>): Promise<Indexed<z.infer<S>>> {
    const { slabs, index } = await fetchOnce(c);
    const decoded = decodeJson(joinSlabs(slabs).toString('utf8'), c.schema);
    if (!decoded.ok) throw decodeError(c.name, decoded.failure);
    return { value: decoded.value, index };
  }

  function mapTransportError(
    err: unknown,
    c: Pick<NomadCall<z.ZodType>, 'name' | 'signal'>,
    timeoutMs: number,
    deadline: AbortSignal,
  ): Error {
    if (c.signal?.aborted) return new CancelledError(`${c.name} aborted`);
    if (err instanceof ResponseTooLargeError) {
      return new NetopsError(ErrorCode.UpstreamHttp, `${c.name}: ${err.message}`, {
        userMessage: `Nomad at ${base} sent more than ${err.limit} bytes for ${c.name}: answer refused`,
      });
    }
    const code = findErrorCode(err);
    if (deadline.aborted || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
      return new TimeoutError(c.name, timeoutMs, {
        cause: err,
        userMessage: `Nomad at ${base} did not answer ${c.name} within ${timeoutMs} ms`,
      });
    }
    if (code && UNREACHABLE_CODES.has(code)) return createUnreachableError('Nomad', base, code, err);
    return new NetopsError(ErrorCode.Internal, `${c.name}: ${redactedMessage(err, { sent: [opts.token] })}`, {
      cause: err,
    });
  }

  function decodeError(name: string, failure: DecodeFailure): NetopsError {
    if (failure.kind === 'not-json') {
      return new NetopsError(ErrorCode.UpstreamHttp, `${name}: response is not JSON: ${clean(failure.head, 200)}`);
    }
    // A short summary in the error; the first issues only at debug level (a wrong-shaped 50 MB answer once wrote
    // a 314 MB log line). Issue texts quote values, so they are redacted too.
    if (log.isLevelEnabled('debug'))
      log.debug({ request: name, issues: clean(failure.issues, 20_000) }, 'unexpected shape');
    return new NetopsError(ErrorCode.UpstreamHttp, `${name}: unexpected response shape: ${clean(failure.summary)}`);
  }

  return {
    address: base,
    call(c) {
      if (c.method !== 'GET') return callOnce(c);
      return retryWithBackoff(() => callOnce(c), retry, c.signal);
    },
    async readUndecoded(c) {
      const { slabs, index } = await retryWithBackoff(() => fetchOnce({ ...c, method: 'GET' }), retry, c.signal);
      return { name: c.name, slabs, index, failed: (failure) => decodeError(c.name, failure) };
    },
  };
}

import { type Dispatcher, request } from 'undici';
import type { z } from 'zod';
import { CancelledError, ErrorCode, NetopsError, TimeoutError } from '../../errors.js';
import type { Logger } from '../../logging.js';
import { DEFAULT_READ_RETRY, type RetryPolicy, retryWithBackoff } from '../retry.js';
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
  /** HTTP headers/body timeout of non-blocking calls. */
  timeoutMs: number;
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
export interface NomadCall<S extends z.ZodType> {
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

/** The HTTP core the area modules share. */
export interface NomadHttp {
  readonly address: string;
  call<S extends z.ZodType>(c: NomadCall<S>): Promise<Indexed<z.infer<S>>>;
}

export const DEFAULT_WAIT_MS = 30_000;
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

  function buildRequest(c: NomadCall<z.ZodType>): { url: URL; headers: Record<string, string>; timeoutMs: number } {
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

  async function callOnce<S extends z.ZodType>(c: NomadCall<S>): Promise<Indexed<z.infer<S>>> {
    const { url, headers, timeoutMs } = buildRequest(c);
    const started = Date.now();
    let res: Dispatcher.ResponseData;
    try {
      res = await request(url, {
        method: c.method,
        headers,
        body: c.body === undefined ? undefined : JSON.stringify(c.body),
        dispatcher: opts.dispatcher,
        signal: c.signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
    } catch (err) {
      throw mapTransportError(err, c, timeoutMs);
    }
    let text: string;
    try {
      text = await res.body.text();
    } catch (err) {
      throw mapTransportError(err, c, timeoutMs);
    }
    log.debug({ request: c.name, status: res.statusCode, ms: Date.now() - started }, 'nomad call');
    if (res.statusCode < 200 || res.statusCode >= 300) throw mapNomadStatus(c.name, res.statusCode, text);
    const index = Number(res.headers['x-nomad-index'] ?? 0) || 0;
    return { value: parseBody(c, text), index };
  }

  function mapTransportError(err: unknown, c: NomadCall<z.ZodType>, timeoutMs: number): Error {
    if (c.signal?.aborted) return new CancelledError(`${c.name} aborted`);
    const code = findErrorCode(err);
    if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
      return new TimeoutError(c.name, timeoutMs, {
        cause: err,
        userMessage: `Nomad at ${base} did not answer ${c.name} within ${timeoutMs} ms`,
      });
    }
    if (code && UNREACHABLE_CODES.has(code)) return createUnreachableError('Nomad', base, code, err);
    return new NetopsError(ErrorCode.Internal, `${c.name}: ${(err as Error)?.message ?? String(err)}`, { cause: err });
  }

  return {
    address: base,
    call(c) {
      if (c.method !== 'GET') return callOnce(c);
      return retryWithBackoff(() => callOnce(c), retry, c.signal);
    },
  };
}

function parseBody<S extends z.ZodType>(c: NomadCall<S>, text: string): z.infer<S> {
  let json: unknown;
  try {
    json = text.trim() === '' ? null : JSON.parse(text);
  } catch (err) {
    throw new NetopsError(ErrorCode.UpstreamHttp, `${c.name}: response is not JSON: ${text.slice(0, 200)}`, {
      cause: err,
    });
  }
  const parsed = c.schema.safeParse(json);
  if (!parsed.success) {
    throw new NetopsError(ErrorCode.UpstreamHttp, `${c.name}: unexpected response shape: ${parsed.error.message}`);
  }
  return parsed.data;
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { HttpError } from './http-error.js';
import { type RequestContext, type Route, Router } from './router.js';

const maxBodyBytes = 4 * 1024 * 1024;

/** How a server differs between Nomad and Consul. */
export interface ServeOptions {
  routes: readonly Route[];
  /** Response header carrying the state index (`X-Nomad-Index`, `X-Consul-Index`). */
  indexHeader: string;
  currentIndex: () => number;
  /** Checked before every handler; throws an HttpError (403) to refuse. */
  authorize?: (ctx: RequestContext) => void;
  /** Body text for an undecodable JSON request body. */
  describeDecodeError: (message: string) => string;
  /** Text of a 405. */
  methodNotAllowedText: string;
  /**
   * Whether error answers carry the index header. Nomad sets it only through setMeta after a successful RPC
   * (HEAD command/agent/http.go:762-790 writes errors without it; job_endpoint.go:536-539 sets it before a
   * 404), so Nomad passes false and gives the 404s that follow a read their index on the HttpError.
   * @defaultValue true
   */
  indexOnErrors?: boolean;
  /** Called with unexpected errors (they become 500s, the process keeps running). */
  onUnexpectedError: (err: unknown) => void;
}

/** Creates an HTTP server that routes, decodes JSON, and turns every thrown error into a plain-text reply. */
export function createApiServer(opts: ServeOptions): Server {
  const router = new Router(opts.routes);
  return createServer((req, res) => {
    handleRequest(router, opts, req, res).catch((err: unknown) => {
      opts.onUnexpectedError(err);
      if (!res.headersSent) sendText(res, 500, String(err instanceof Error ? err.message : err), opts);
    });
  });
}

async function handleRequest(router: Router, opts: ServeOptions, req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? '/', 'http://lab');
  const method = req.method ?? 'GET';
  const match = router.match(method, url.pathname);
  const rawBody = await readBody(req);
  const errorIndex = opts.indexOnErrors === false ? null : opts.currentIndex();
  if (match.kind === 'none') return sendText(res, 404, '404 page not found', opts, {}, errorIndex);
  if (match.kind === 'wrong-method') return sendText(res, 405, opts.methodNotAllowedText, opts, {}, errorIndex);
  try {
    const ctx: RequestContext = {
      method,
      path: url.pathname,
      params: match.params,
      query: url.searchParams,
      headers: req.headers,
      body: decodeBody(rawBody, opts),
    };
    opts.authorize?.(ctx);
    const reply = await match.handler(ctx);
    const index = reply.index === undefined ? opts.currentIndex() : reply.index;
    const headers = { ...(index === null ? {} : { [opts.indexHeader]: String(index) }), ...reply.headers };
    if (reply.text !== undefined) return sendText(res, reply.status ?? 200, reply.text, opts, headers, index);
    if (reply.json === undefined) {
      res.writeHead(reply.status ?? 200, headers).end();
      return;
    }
    res.writeHead(reply.status ?? 200, { ...headers, 'Content-Type': 'application/json' });
    res.end(JSON.stringify(reply.json));
  } catch (err) {
    if (err instanceof HttpError) {
      const index = err.index ?? (opts.indexOnErrors === false ? null : opts.currentIndex());
      return sendText(res, err.status, err.body, opts, {}, index);
    }
    throw err;
  }
}

function decodeBody(rawBody: string, opts: ServeOptions): unknown {
  if (rawBody.trim() === '') return undefined;
  try {
    return JSON.parse(rawBody);
  } catch (err) {
    throw new HttpError(400, opts.describeDecodeError((err as Error).message));
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Oversized bodies are dropped rather than buffered; the handler then sees a decode error.
      if (size <= maxBodyBytes) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > maxBodyBytes ? '{' : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  opts: ServeOptions,
  headers: Record<string, string> = {},
  index: number | null = opts.currentIndex(),
) {
  const indexHeader: Record<string, string> = index === null ? {} : { [opts.indexHeader]: String(index) };
  res.writeHead(status, { ...indexHeader, ...headers, 'Content-Type': 'text/plain' });
  res.end(text);
}

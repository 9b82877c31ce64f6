import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import type { Metrics } from './metrics.js';

/** What the routes need: the metrics and a readiness probe (Redis reachable). */
export interface HttpRouteDeps {
  metrics: Metrics;
  /** Resolves when the process can take work (Redis answers PING); rejects or resolves false otherwise. */
  ready: () => Promise<boolean>;
  /** Bound on the readiness probe. @defaultValue 1000 */
  readyTimeoutMs?: number;
  /** A reason this process cannot do its work although Redis answers (e.g. Slack refuses the bot token). */
  notReadyReason?: () => string | undefined;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** `/metrics` (Prometheus text), `/healthz` (process up) and `/readyz` (Redis reachable, nothing else blocking). */
function createOpsHandlers(deps: HttpRouteDeps): Record<'/metrics' | '/healthz' | '/readyz', Handler> {
  const timeoutMs = deps.readyTimeoutMs ?? 1_000;
  return {
    '/metrics': async (_req, res) => {
      const { contentType, body } = await deps.metrics.render();
      res.writeHead(200, { 'content-type': contentType });
      res.end(body);
    },
    '/healthz': (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok\n');
    },
    '/readyz': async (_req, res) => {
      const reason = deps.notReadyReason?.();
      const ok = !reason && (await withTimeout(deps.ready(), timeoutMs).catch(() => false));
      res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' });
      res.end(ok ? 'ready\n' : `not ready: ${reason ?? 'redis unreachable'}\n`);
    },
  };
}

/** The same handlers as Bolt custom routes, served by the Slack HTTP receiver next to /slack/commands. */
export function createOpsRoutes(deps: HttpRouteDeps): CustomRoute[] {
  return Object.entries(createOpsHandlers(deps)).map(([path, handler]) => ({
    path,
    method: ['GET'],
    handler: (req, res) => void Promise.resolve(handler(req, res)).catch(() => fail(res)),
  }));
}

/** A small HTTP server for processes without the Slack receiver (worker-only): NETOPS_METRICS_PORT. */
export async function startOpsServer(deps: HttpRouteDeps, port: number, host = '0.0.0.0'): Promise<Server> {
  const handlers = createOpsHandlers(deps);
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname as keyof typeof handlers;
    const handler = req.method === 'GET' ? handlers[path] : undefined;
    if (!handler) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found\n');
      return;
    }
    void Promise.resolve(handler(req, res)).catch(() => fail(res));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

function fail(res: ServerResponse): void {
  if (res.headersSent) return void res.end();
  res.writeHead(500, { 'content-type': 'text/plain' });
  res.end('internal error\n');
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the stand-in answers: normally, with HTTP 500, or never (the request hangs until the client gives up). */
export type UpstreamMode = 'ok' | '500' | 'hang';

/**
 * A stand-in for the few Nomad and Consul HTTP endpoints that `/status`, `/deploy stop` and `/isolation-check`
 * call first, on one port (both APIs live under /v1). Empty clusters: no nodes, no jobs, no members, every job
 * and service unknown. Its mode switches at run time to model an upstream that fails or hangs.
 */
export interface UpstreamStub {
  url: string;
  mode: UpstreamMode;
  /** Added before every answer (models a slow cluster so jobs are in flight for a while). */
  delayMs: number;
  calls: Array<{ method: string; path: string; at: number }>;
  /** Requests currently held open by 'hang'. */
  hanging(): number;
  close(): Promise<void>;
}

const routes: Array<[RegExp, number, unknown]> = [
  [/^\/v1\/nodes$/, 200, []],
  [/^\/v1\/jobs$/, 200, []],
  [/^\/v1\/agent\/members$/, 200, []],
  // One path for both APIs: Consul's `Config` and Nomad's `config`/`member` (a 2.0.6 server in region global).
  [
    /^\/v1\/agent\/self$/,
    200,
    {
      Config: { Datacenter: 'dc1', NodeName: 'stub' },
      config: { Region: 'global', Datacenter: 'dc1', Version: { Version: '2.0.6' } },
      member: { Tags: { build: '2.0.6', region: 'global' } },
    },
  ],
  [/^\/v1\/regions$/, 200, ['global']],
  [/^\/v1\/job\/[^/]+\/allocations$/, 404, 'job not found'],
  [/^\/v1\/job\/[^/]+$/, 404, 'job not found'],
  [/^\/v1\/allocation\/[^/]+$/, 404, 'alloc not found'],
  [/^\/v1\/catalog\/service\/[^/]+$/, 200, []],
  // Every Consul server answers its datacenters (agent/catalog_endpoint.go CatalogDatacenters); the bot checks it.
  [/^\/v1\/catalog\/datacenters$/, 200, ['dc1']],
  [/^\/v1\/health\/service\/[^/]+$/, 200, []],
];

/** Starts the stand-in on a free loopback port. */
export async function startUpstreamStub(mode: UpstreamMode = 'ok'): Promise<UpstreamStub> {
  const held = new Set<ServerResponse>();
  const stub: UpstreamStub = {
    url: '',
    mode,
    delayMs: 0,
    calls: [],
    hanging: () => held.size,
    close: async () => {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    if (stub.delayMs > 0) await new Promise((r) => setTimeout(r, stub.delayMs));
    const path = new URL(req.url ?? '/', 'http://stub').pathname;
    stub.calls.push({ method: req.method ?? 'GET', path, at: Date.now() });
    req.resume();
    if (stub.mode === 'hang') {
      held.add(res);
      res.on('close', () => held.delete(res));
      return;
    }
    if (stub.mode === '500') {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('rpc error: No cluster leader');
      return;
    }
    const route = routes.find(([re]) => re.test(path));
    const [, status, body] = route ?? [undefined, 404, 'not found'];
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, {
      'content-type': typeof body === 'string' ? 'text/plain' : 'application/json',
      'x-nomad-index': '7',
      'x-consul-index': '7',
      'x-nomad-knownleader': 'true',
      'x-nomad-lastcontact': '0',
    });
    res.end(text);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return stub;
}

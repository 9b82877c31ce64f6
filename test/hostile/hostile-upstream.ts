import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake upstream (Nomad or Consul on the wire) that misbehaves on purpose (issue 17 item 12). Each request is
 * answered by the current mode:
 * - `echo`: an error page that quotes every request header (tokens included), the URL and a configured secret
 *   as a gateway or a hostile server would;
 * - `drip`: 200 with a JSON body that trickles one byte every `dripMs`, forever;
 * - `flood`: 200 with an endless body at full speed;
 * - `wrongShape`: 200 with a large JSON array of objects of the wrong shape, each quoting the token;
 * - `movingIndex`: a valid answer whose X-Nomad-Index goes backwards and to 0 (blocking-query hostility);
 * - `ok`: the fixed answer given in `okBody`.
 */
export type HostileMode = 'echo' | 'drip' | 'flood' | 'wrongShape' | 'movingIndex' | 'ok';

export interface HostileUpstream {
  url: string;
  mode: HostileMode;
  /** Extra text the echo page quotes (e.g. a configured secret the bot never sent). */
  echoExtra: string;
  /** Number of wrong-shaped items in `wrongShape`. @defaultValue 1000 */
  wrongShapeItems: number;
  /** Status of the echo page. @defaultValue 500 */
  echoStatus: number;
  okBody: unknown;
  dripMs: number;
  requests: number;
  /** Bytes written by flood/drip answers so far. */
  bytesSent: number;
  close(): Promise<void>;
}

export async function startHostileUpstream(initial: HostileMode = 'echo'): Promise<HostileUpstream> {
  let index = 1000;
  const state: Omit<HostileUpstream, 'url' | 'close'> = {
    mode: initial,
    echoExtra: '',
    wrongShapeItems: 1000,
    echoStatus: 500,
    okBody: [],
    dripMs: 100,
    requests: 0,
    bytesSent: 0,
  };
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    state.requests++;
    req.resume();
    req.on('end', () => answer(req, res));
  });

  function answer(req: IncomingMessage, res: ServerResponse) {
    switch (state.mode) {
      case 'echo': {
        const headers = Object.entries(req.headers)
          .map(([k, v]) => `${k}: ${String(v)}`)
          .join('\n');
        res.writeHead(state.echoStatus, { 'content-type': 'text/plain' });
        // Gateways quote the token on the first line too, where the bot's user messages take their text from.
        const token = req.headers['x-nomad-token'] ?? req.headers['x-consul-token'] ?? '';
        res.end(`bad gateway for token ${String(token)} ${state.echoExtra}\nURL ${req.url}\n${headers}\n`);
        return;
      }
      case 'drip': {
        res.writeHead(200, { 'content-type': 'application/json', 'x-nomad-index': '7' });
        res.write('[');
        const t = setInterval(() => {
          if (res.destroyed) return clear(t);
          res.write(' ');
          state.bytesSent++;
        }, state.dripMs);
        timers.add(t);
        res.on('close', () => clear(t));
        return;
      }
      case 'flood': {
        res.writeHead(200, { 'content-type': 'application/json', 'x-nomad-index': '7' });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        const pump = () => {
          while (!res.destroyed && res.write(chunk)) state.bytesSent += chunk.length;
          if (!res.destroyed) res.once('drain', pump);
        };
        res.write('[');
        pump();
        return;
      }
      case 'wrongShape': {
        const token = req.headers['x-nomad-token'] ?? req.headers['x-consul-token'] ?? 'none';
        const item = JSON.stringify({ Wrong: String(token), ID: 42, Status: { nested: [1, 2, 3] } });
        res.writeHead(200, { 'content-type': 'application/json', 'x-nomad-index': '7' });
        res.end(`[${new Array(state.wrongShapeItems).fill(item).join(',')}]`);
        return;
      }
      case 'movingIndex': {
        // Backwards, then 0: Nomad's and Consul's docs say to reset to 0 on both (see i11-nomad2's backoff).
        index = index > 10 ? Math.floor(index / 2) : 0;
        res.writeHead(200, {
          'content-type': 'application/json',
          'x-nomad-index': String(index),
          'x-consul-index': String(index),
        });
        res.end(JSON.stringify(state.okBody));
        return;
      }
      case 'ok': {
        res.writeHead(200, { 'content-type': 'application/json', 'x-nomad-index': String(++index) });
        res.end(JSON.stringify(state.okBody));
        return;
      }
    }
  }

  function clear(t: NodeJS.Timeout) {
    clearInterval(t);
    timers.delete(t);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const upstream = state as HostileUpstream;
  upstream.url = `http://127.0.0.1:${port}`;
  upstream.close = () =>
    new Promise<void>((resolve) => {
      for (const t of timers) clearInterval(t);
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return upstream;
}

import { createServer, type Server } from 'node:net';
import ssh2 from 'ssh2';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { connectSsh } from '../../../../src/clients/ssh/connect.js';

let server: Server | undefined;
afterEach(() => {
  vi.restoreAllMocks();
  server?.close();
});

/** A TCP server that answers like a web server, not an SSH one, then hangs up: the handshake fails. */
async function notAnSshServer(): Promise<number> {
  server = createServer((s) => {
    s.end('HTTP/1.1 400 Bad Request\r\n\r\n');
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return (server!.address() as { port: number }).port;
}

describe('connectSsh', () => {
  it('rejects a failed handshake, and an error ssh2 emits after that cannot end the process', async () => {
    const port = await notAnSshServer();
    const clients: ssh2.Client[] = [];
    const connect = ssh2.Client.prototype.connect;
    vi.spyOn(ssh2.Client.prototype, 'connect').mockImplementation(function (this: ssh2.Client, cfg) {
      clients.push(this);
      return connect.call(this, cfg);
    });
    await expect(
      connectSsh({ host: '127.0.0.1', port, username: 'x', hostVerifier: () => true, readyTimeout: 5_000 }),
    ).rejects.toThrow();
    expect(clients).toHaveLength(1);
    // ssh2 may emit a second error for the same connect (seen in the full suite: "Connection lost before
    // handshake" after end()); without a listener EventEmitter throws it, which crashed the bot process.
    expect(() => clients[0]!.emit('error', new Error('Connection lost before handshake'))).not.toThrow();
  });
});

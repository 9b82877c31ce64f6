import { Socket } from 'node:net';
import ssh2, { type Client } from 'ssh2';
import type { SshConnectConfig, SshConnectFn } from './types.js';

/**
 * Connects with a socket we create ourselves and set to TCP_NODELAY.
 *
 * Why: with ssh2's own socket (Nagle on, Node's default), every sequential command on one connection took
 * ~44 ms against ~1 ms of work. At the end of a command ssh2 answers the server's CHANNEL_CLOSE with its
 * own small CHANNEL_CLOSE packet, to which the server sends no data back, so that segment is only ACKed
 * when the server's delayed-ACK timer fires (~40 ms on Linux). The next command's CHANNEL_OPEN is another
 * small write while data is still unacknowledged, so Nagle holds it back until that delayed ACK arrives.
 * Measured per phase: channel open + exec reply took ~43 ms with Nagle, ~0.5 ms without. SSH packets are
 * whole messages already, so disabling Nagle costs nothing (OpenSSH's client sets TCP_NODELAY too).
 */
export const connectSsh: SshConnectFn = (config) => {
  const sock = new Socket();
  sock.setNoDelay(true);
  return connectOn(config, sock);
};

/** ssh2's defaults: ssh2 creates the socket (Nagle on). Only for the benchmark's "before" numbers. */
export const connectSshWithDefaults: SshConnectFn = (config) => connectOn(config, undefined);

function connectOn(config: SshConnectConfig, sock: Socket | undefined): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    // One deadline for TCP connect + handshake + auth; ssh2's readyTimeout starts only at handshake.
    const deadlineMs = config.readyTimeout ?? 20_000;
    const timer = setTimeout(
      () => onError(Object.assign(new Error(`connect timed out after ${deadlineMs} ms`), { level: 'client-timeout' })),
      deadlineMs,
    );
    let settled = false;
    const onError = (err: Error) => {
      // ssh2 can emit more than one error for one failed connect (a protocol error, then "Connection lost before
      // handshake" once end() closes the socket): the first one decides, the rest are swallowed here, as an
      // 'error' event without a listener would end the whole process.
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.removeListener('ready', onReady);
      client.end();
      sock?.destroy();
      reject(err);
    };
    const onReady = () => {
      settled = true;
      clearTimeout(timer);
      client.removeListener('error', onError);
      resolve(client);
    };
    client.once('ready', onReady);
    client.on('error', onError);
    if (!sock) {
      client.connect(config);
      return;
    }
    // ssh2 expects a connected socket when handed one; connect errors still surface through `client`.
    sock.once('error', onError);
    sock.connect(config.port, config.host, () => {
      sock.removeListener('error', onError);
      client.connect({ ...config, sock });
    });
  });
}

import { connect } from 'node:net';

export interface RawOutcome {
  /** HTTP status of the answer, or undefined when the connection ended without one. */
  status: number | undefined;
  /** Body bytes this client managed to hand to the kernel before the server closed. */
  bytesWritten: number;
  /** How long the connection stayed open. */
  openMs: number;
}

/**
 * Speaks HTTP/1.1 by hand so a test can send what no well-behaved client sends: a head dripped one byte at a
 * time, a body bigger than declared, a declared length never sent. Resolves when the server closes the
 * connection, or after `giveUpMs` (then the outcome shows the connection still open).
 */
export function sendRaw(
  port: number,
  opts: {
    head: string;
    /** Body bytes to offer (zeros), in 1 MB writes as fast as the socket takes them. */
    bodyBytes?: number;
    /** Drip one byte every `dripMs` instead: the head and body (`all`) or the body after a whole head. */
    dripMs?: number;
    drip?: 'all' | 'body';
    giveUpMs: number;
    /** Frame each 1 MB write as an HTTP/1.1 chunk (with `transfer-encoding: chunked` in the head). */
    chunked?: boolean;
  },
): Promise<RawOutcome> {
  return new Promise((resolvePromise) => {
    const startedAt = performance.now();
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    let bytesWritten = 0;
    let done = false;
    let bodyStopped = false;
    const timers: NodeJS.Timeout[] = [];
    const finish = () => {
      if (done) return;
      done = true;
      // clearTimeout clears intervals too (one id space in Node).
      for (const t of timers) clearTimeout(t);
      socket.destroy();
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1];
      resolvePromise({
        status: status ? Number(status) : undefined,
        bytesWritten,
        openMs: performance.now() - startedAt,
      });
    };
    socket.on('data', (d) => {
      // Like curl: once the server has answered, stop sending the body.
      answer += d.toString('latin1');
      bodyStopped = true;
    });
    socket.on('close', finish);
    socket.on('error', () => {});
    timers.push(setTimeout(finish, opts.giveUpMs));
    const bodyBytes = opts.bodyBytes ?? 0;
    socket.on('connect', () => {
      if (opts.dripMs) {
        const head = Buffer.from(opts.head, 'latin1');
        if (opts.drip === 'body') socket.write(head);
        const bytes = opts.drip === 'body' ? Buffer.alloc(bodyBytes) : Buffer.concat([head, Buffer.alloc(bodyBytes)]);
        let i = 0;
        timers.push(
          setInterval(() => {
            if (i < bytes.length && !socket.destroyed) socket.write(bytes.subarray(i, ++i));
          }, opts.dripMs),
        );
        return;
      }
      socket.write(opts.head);
      const chunk = Buffer.alloc(1024 * 1024);
      const pump = () => {
        while (!done && !bodyStopped && !socket.destroyed && bytesWritten < bodyBytes) {
          const n = Math.min(chunk.length, bodyBytes - bytesWritten);
          bytesWritten += n;
          if (opts.chunked) socket.write(`${n.toString(16)}\r\n`);
          const more = socket.write(chunk.subarray(0, n));
          if (opts.chunked) socket.write('\r\n');
          if (!more) return void socket.once('drain', pump);
        }
      };
      pump();
    });
  });
}

/** A request head for the Slack command endpoint. */
export function commandHead(headers: Record<string, string>): string {
  const lines = Object.entries({ host: 'localhost', 'content-type': 'application/x-www-form-urlencoded', ...headers });
  return `POST /slack/commands HTTP/1.1\r\n${lines.map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`;
}

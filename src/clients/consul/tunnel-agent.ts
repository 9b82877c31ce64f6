import { Agent, type AgentOptions } from 'node:http';
import type { Duplex } from 'node:stream';

/** Opens one TCP connection to a Consul agent, e.g. a `direct-tcpip` channel through the host's SSH connection. */
export type TcpConnector = () => Promise<Duplex>;

// Node's http client calls these socket methods (ClientRequest.setTimeout → socket.setTimeout, keep-alive
// handling → setKeepAlive/setNoDelay/ref/unref); an SSH channel is a plain Duplex without them.
const SOCKET_METHODS = ['setTimeout', 'setNoDelay', 'setKeepAlive', 'ref', 'unref'] as const;

function asSocketLike(stream: Duplex): Duplex {
  const s = stream as Duplex & Record<string, unknown>;
  for (const m of SOCKET_METHODS) if (typeof s[m] !== 'function') s[m] = () => stream;
  return stream;
}

/**
 * An http.Agent whose connections come from `connect` instead of a TCP dial, so node-consul (papi passes `agent`
 * to http.request) talks HTTP over a forwarded channel. One connection per request: a channel is cheap on the
 * pooled SSH connection, and nothing is left open between calls.
 */
export class TunnelAgent extends Agent {
  constructor(
    private readonly connect: TcpConnector,
    opts: AgentOptions = {},
  ) {
    super({ ...opts, keepAlive: false });
  }

  override createConnection(_options: unknown, callback?: (err: Error | null, stream: Duplex) => void): undefined {
    this.connect().then(
      (stream) => callback?.(null, asSocketLike(stream)),
      (err: unknown) => callback?.(err as Error, undefined as unknown as Duplex),
    );
    return undefined;
  }
}

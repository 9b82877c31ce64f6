import { connect as netConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import dnsPacket from 'dns-packet';
import { ErrorCode, NetopsError } from '../../errors.js';
import type { TcpConnector } from './tunnel-agent.js';

/** What clients of Consul DNS get for a name. */
export interface ConsulDnsAnswer {
  a: string[];
  srv: Array<{ target: string; port: number }>;
}

/** Where to ask. */
export interface ConsulDnsOptions {
  /** Opens a TCP connection to an agent's DNS port (a direct dial, or a channel through the host's SSH). */
  connect: TcpConnector;
  /** Where that is, for messages, e.g. `127.0.0.1:8600 on u1`. */
  where: string;
  /** Per-query timeout. @defaultValue 2000 */
  timeoutMs?: number;
}

// RFC 1035 §4.1.1 RCODE 3: the name does not exist. Consul answers it for a service without usable instances.
const RCODE_NXDOMAIN = 3;

/**
 * Resolves `name` (e.g. `web.service.consul`) against a Consul DNS server over TCP: A records and SRV records.
 *
 * Why TCP: Consul trims a UDP answer to `dns_config.udp_answer_limit` records (default 3) when the query has no
 * EDNS, without setting the TC bit unless `enable_truncate` is on (hashicorp/consul v1.19.2
 * agent/config/default.go `udp_answer_limit = 3`; agent/dns.go `trimUDPResponse`). Over TCP every instance
 * is answered, so a 5-instance service shows 5 addresses. TCP is also the only thing an SSH forward carries.
 */
export async function resolveConsulDns(name: string, opts: ConsulDnsOptions): Promise<ConsulDnsAnswer> {
  const [a, srv] = await Promise.all([queryTcp(name, 'A', opts), queryTcp(name, 'SRV', opts)]);
  return {
    a: a
      .filter((r): r is dnsPacket.StringAnswer => r.type === 'A')
      .map((r) => r.data)
      .sort(),
    srv: srv
      .filter((r): r is dnsPacket.SrvAnswer => r.type === 'SRV')
      .map((r) => ({ target: r.data.target, port: r.data.port }))
      .sort((x, y) => x.target.localeCompare(y.target)),
  };
}

/** A connector that dials `host:port` over TCP; a host name is resolved by the OS like any TCP dial. */
export function dialTcp(host: string, port: number, timeoutMs = 2000): TcpConnector {
  return () =>
    new Promise((resolve, reject) => {
      const socket = netConnect({ host, port, timeout: timeoutMs });
      socket.once('connect', () => {
        socket.setTimeout(0);
        socket.removeListener('error', reject);
        resolve(socket);
      });
      socket.once('timeout', () => socket.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' })));
      socket.once('error', reject);
    });
}

async function queryTcp(name: string, type: 'A' | 'SRV', opts: ConsulDnsOptions): Promise<dnsPacket.Answer[]> {
  const timeoutMs = opts.timeoutMs ?? 2000;
  let stream: Duplex | undefined;
  try {
    stream = await withTimeout(opts.connect(), timeoutMs);
    const query = dnsPacket.streamEncode({
      type: 'query',
      id: Math.floor(Math.random() * 65_535),
      flags: dnsPacket.RECURSION_DESIRED,
      questions: [{ type, name, class: 'IN' }],
    });
    const reply = dnsPacket.streamDecode(await withTimeout(exchange(stream, query), timeoutMs));
    const rcode = (reply.flags ?? 0) & 0x000f;
    if (rcode === RCODE_NXDOMAIN) return [];
    if (rcode !== 0) throw Object.assign(new Error(`rcode ${rcode}`), { code: `RCODE${rcode}` });
    return reply.answers ?? [];
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'EUNKNOWN';
    throw new NetopsError(ErrorCode.UpstreamUnreachable, `consul dns ${name} ${type} @${opts.where}: ${code}`, {
      userMessage: `Consul DNS at ${opts.where} did not answer for ${name} (${code})`,
      retryable: true,
      cause: err,
    });
  } finally {
    stream?.destroy();
  }
}

/** Writes one length-prefixed message and reads one back (RFC 1035 §4.2.2). */
function exchange(stream: Duplex, query: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        cleanup();
        resolve(buf.subarray(0, 2 + buf.readUInt16BE(0)));
      }
    };
    const onEnd = () => {
      cleanup();
      reject(Object.assign(new Error('connection closed before the answer'), { code: 'ECONNRESET' }));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const cleanup = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('close', onEnd);
      stream.off('error', onError);
    };
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('close', onEnd);
    stream.once('error', onError);
    stream.write(query);
  });
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(Object.assign(new Error(`no answer in ${ms} ms`), { code: 'ETIMEOUT' })), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

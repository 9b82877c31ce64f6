import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import dnsPacket from 'dns-packet';
import type { Logger } from 'pino';
import { answerDnsQuery, type InstanceLookup } from './dns-answer.js';

/** The UDP socket and TCP server of one DNS interface. */
export interface DnsServer {
  udp: Socket;
  tcp: Server;
  close(): void;
}

/**
 * Serves Consul-style DNS on `address:port` over UDP and TCP, as the agent does (agent/dns.go starts a
 * `dns.Server` for "udp" and one for "tcp" on the same address); undecodable packets are dropped, never fatal.
 */
export async function startDnsServer(opts: {
  address: string;
  port: number;
  lookup: InstanceLookup;
  logger: Logger;
}): Promise<DnsServer> {
  const udp = await startUdp(opts);
  const tcp = createServer((conn) => {
    let buf = Buffer.alloc(0);
    conn.on('error', () => conn.destroy());
    conn.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const frame = buf.subarray(0, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(frame.length);
        let query: dnsPacket.Packet;
        try {
          query = dnsPacket.streamDecode(frame);
        } catch {
          conn.destroy();
          return;
        }
        answerDnsQuery(query, opts.lookup, 'dc1', { protocol: 'tcp' })
          .then((reply) => conn.write(dnsPacket.streamEncode(reply)))
          .catch((err: unknown) => opts.logger.warn({ err }, 'dns answer failed'));
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(opts.port, opts.address, () => {
      tcp.off('error', reject);
      resolve();
    });
  });
  return {
    udp,
    tcp,
    close() {
      udp.close();
      tcp.close();
    },
  };
}

function startUdp(opts: { address: string; port: number; lookup: InstanceLookup; logger: Logger }): Promise<Socket> {
  const socket = createSocket('udp4');
  socket.on('message', (message, remote) => {
    let query: dnsPacket.Packet;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return;
    }
    answerDnsQuery(query, opts.lookup, 'dc1', { protocol: 'udp' })
      .then((reply) => socket.send(dnsPacket.encode(reply), remote.port, remote.address))
      .catch((err: unknown) => opts.logger.warn({ err }, 'dns answer failed'));
  });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(opts.port, opts.address, () => {
      socket.off('error', reject);
      socket.on('error', (err) => opts.logger.warn({ err }, 'dns socket error'));
      resolve(socket);
    });
  });
}

/**
 * The instances DNS answers from a health-entry list (`/v1/health/service/:name`): every instance without a
 * critical check. Consul's default `dns_config.only_passing = false` keeps passing and warning instances
 * (agent/structs/structs.go `CheckServiceNodes.Filter(onlyPassing)`: without onlyPassing only
 * `HealthCritical` drops a node; only_passing is absent from agent/config/default.go, so false).
 */
export function toDnsInstances(
  entries: {
    Node: { Node: string; Address: string };
    Service: { Address: string; Port: number };
    Checks?: { Status: string }[];
  }[],
) {
  return entries
    .filter((e) => !(e.Checks ?? []).some((c) => c.Status === 'critical'))
    .map((e) => ({
      node: e.Node.Node,
      nodeAddress: e.Node.Address,
      serviceAddress: e.Service.Address,
      port: e.Service.Port,
    }));
}

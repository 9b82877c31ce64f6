import { createSocket, type Socket } from 'node:dgram';
import dnsPacket from 'dns-packet';
import type { Logger } from 'pino';
import { answerDnsQuery, type InstanceLookup } from './dns-answer.js';

/** Serves Consul-style DNS over UDP on `address:port`; undecodable packets are dropped, never fatal. */
export function startDnsServer(opts: {
  address: string;
  port: number;
  lookup: InstanceLookup;
  logger: Logger;
}): Promise<Socket> {
  const socket = createSocket('udp4');
  socket.on('message', (message, remote) => {
    let query: dnsPacket.Packet;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return;
    }
    answerDnsQuery(query, opts.lookup)
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

/** Passing instances from a health-entry list (`/v1/health/service/:name?passing`) for DNS. */
export function toDnsInstances(
  entries: { Node: { Node: string; Address: string }; Service: { Address: string; Port: number } }[],
) {
  return entries.map((e) => ({
    node: e.Node.Node,
    nodeAddress: e.Node.Address,
    serviceAddress: e.Service.Address,
    port: e.Service.Port,
  }));
}

import type { Answer, Packet, Question } from 'dns-packet';

/** A passing service instance as DNS sees it. */
export interface DnsInstance {
  node: string;
  nodeAddress: string;
  /** The service's own Address; empty = the node's address is used. */
  serviceAddress: string;
  port: number;
}

/** Looks up passing instances of a service; undefined when the service is unknown. */
export type InstanceLookup = (service: string, tag: string | undefined) => Promise<DnsInstance[]>;

const soa: Answer = {
  name: 'consul',
  type: 'SOA',
  ttl: 0,
  data: {
    mname: 'ns.consul',
    rname: 'hostmaster.consul',
    serial: 1,
    refresh: 3600,
    retry: 600,
    expire: 86400,
    minimum: 0,
  },
};

/**
 * Answers one DNS query like Consul's DNS interface (reference §5.4): `[tag.]<svc>.service[.dc1].consul`
 * and RFC 2782 `_<svc>._tcp.service[.dc1].consul` give A records (service address, else node address) or,
 * for SRV, the port with target `<hex-ip>.addr.dc1.consul` when the service has its own address (else
 * `<node>.node.dc1.consul`) and the A record in the additional section. `<hex>.addr.dc1.consul` resolves
 * back to the address. Unknown names and services without passing instances are NXDOMAIN with the SOA.
 */
export async function answerDnsQuery(query: Packet, lookup: InstanceLookup, datacenter = 'dc1'): Promise<Packet> {
  const question = query.questions?.[0];
  const reply: Packet = {
    id: query.id ?? 0,
    type: 'response',
    flags: 0x8400 | ((query.flags ?? 0) & 0x0100),
    questions: query.questions ?? [],
    answers: [],
    authorities: [],
    additionals: [],
  };
  if (!question) return { ...reply, flags: (reply.flags ?? 0) | 1 };
  const name = question.name.toLowerCase().replace(/\.$/, '');
  const addr = new RegExp(`^([0-9a-f]{8})\\.addr\\.(?:${datacenter}\\.)?consul$`).exec(name);
  if (addr) return answerAddr(reply, question, addr[1] as string);
  const parsed = parseServiceName(name, datacenter);
  const instances = parsed ? await lookup(parsed.service, parsed.tag) : [];
  if (instances.length === 0) return nxdomain(reply);
  for (const instance of instances) {
    const address = instance.serviceAddress || instance.nodeAddress;
    if (question.type === 'SRV') {
      const target = instance.serviceAddress
        ? `${toHexIp(instance.serviceAddress)}.addr.${datacenter}.consul`
        : `${instance.node}.node.${datacenter}.consul`;
      reply.answers?.push({
        name: question.name,
        type: 'SRV',
        ttl: 0,
        class: 'IN',
        data: { priority: 1, weight: 1, port: instance.port, target },
      });
      reply.additionals?.push({ name: target, type: 'A', ttl: 0, class: 'IN', data: address });
    } else if (question.type === 'A') {
      reply.answers?.push({ name: question.name, type: 'A', ttl: 0, class: 'IN', data: address });
    }
  }
  return reply;
}

/** `10.32.4.17` -> `0a200411`. */
export function toHexIp(ip: string): string {
  return ip
    .split('.')
    .map((octet) => Number(octet).toString(16).padStart(2, '0'))
    .join('');
}

function parseServiceName(name: string, datacenter: string): { service: string; tag?: string } | undefined {
  const suffix = new RegExp(`\\.service(?:\\.${datacenter})?\\.consul$`);
  if (!suffix.test(name)) return undefined;
  const labels = name.replace(suffix, '').split('.');
  if (labels.length === 2 && labels[0]?.startsWith('_') && labels[1]?.startsWith('_')) {
    const tag = labels[1].slice(1);
    return { service: labels[0].slice(1), tag: tag === 'tcp' || tag === 'udp' ? undefined : tag };
  }
  if (labels.length === 1) return { service: labels[0] as string };
  if (labels.length === 2) return { service: labels[1] as string, tag: labels[0] as string };
  return undefined;
}

function answerAddr(reply: Packet, question: Question, hex: string): Packet {
  const ip = (hex.match(/../g) ?? []).map((h) => Number.parseInt(h, 16)).join('.');
  if (question.type === 'A') {
    reply.answers?.push({ name: question.name, type: 'A', ttl: 0, class: 'IN', data: ip });
  }
  return reply;
}

function nxdomain(reply: Packet): Packet {
  return { ...reply, flags: (reply.flags ?? 0) | 3, authorities: [soa] } as Packet;
}

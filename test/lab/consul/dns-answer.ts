import type { Answer, Packet, Question } from 'dns-packet';

/** A service instance as DNS sees it (critical ones are already left out by the lookup). */
export interface DnsInstance {
  node: string;
  nodeAddress: string;
  /** The service's own Address; empty = the node's address is used. */
  serviceAddress: string;
  port: number;
}

/** Looks up the instances of a service DNS may answer (none critical); [] when the service is unknown. */
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
export async function answerDnsQuery(
  query: Packet,
  lookup: InstanceLookup,
  datacenter = 'dc1',
  transport: DnsTransport = { protocol: 'udp' },
): Promise<Packet> {
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
  // Consul shuffles service answers on every query (agent/dns.go `serviceLookup` → `out.Nodes.Shuffle()`).
  const instances = shuffle(parsed ? await lookup(parsed.service, parsed.tag) : []);
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
  return trimUdpAnswers(query, reply, transport);
}

/** How a query arrived, and the agent's `dns_config.udp_answer_limit`. */
export interface DnsTransport {
  protocol: 'udp' | 'tcp';
  /** @defaultValue 3 (hashicorp/consul v1.19.2 agent/config/default.go `udp_answer_limit = 3`) */
  udpAnswerLimit?: number;
}

// hashicorp/consul agent/dns/router_response.go: `maxUDPAnswerLimit = 8`, `defaultMaxUDPSize = 512`.
const MAX_UDP_ANSWER_LIMIT = 8;
const DEFAULT_MAX_UDP_SIZE = 512;

/**
 * Real Consul over UDP without EDNS (or EDNS asking for no more than 512 bytes) cuts the answers to
 * min(8, udp_answer_limit) and keeps only the additional records those answers need; the TC bit is set only with
 * `enable_truncate` (default false), so a resolver has no reason to retry over TCP (agent/dns/router_response.go
 * `trimDNSResponse`, `trimUDPResponse`, `syncExtra`). TCP and a larger EDNS buffer get every answer; the lab's
 * answers stay far below those byte limits, so the byte-size trimming is not modelled.
 */
function trimUdpAnswers(query: Packet, reply: Packet, transport: DnsTransport): Packet {
  if (transport.protocol === 'tcp') return reply;
  const opt = query.additionals?.find((r) => r.type === 'OPT') as { udpPayloadSize?: number } | undefined;
  const maxSize = Math.max(DEFAULT_MAX_UDP_SIZE, opt?.udpPayloadSize ?? 0);
  const limit = Math.min(MAX_UDP_ANSWER_LIMIT, transport.udpAnswerLimit ?? 3);
  const answers = reply.answers ?? [];
  if (maxSize !== DEFAULT_MAX_UDP_SIZE || answers.length <= limit) return reply;
  const kept = answers.slice(0, limit);
  const targets = new Set(kept.flatMap((a) => (a.type === 'SRV' ? [a.data.target.toLowerCase()] : [])));
  const additionals = (reply.additionals ?? []).filter((r) => targets.has(r.name.toLowerCase()));
  return { ...reply, answers: kept, additionals };
}

function shuffle<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
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

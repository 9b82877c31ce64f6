import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { answerDnsQuery, type DnsInstance, toHexIp } from '../../../lab/consul/dns-answer.js';
import { compileFilter } from '../../../lab/consul/filter-expression.js';

const instances: Record<string, DnsInstance[]> = {
  httpbackend: [
    { node: 'u1', nodeAddress: '192.168.56.11', serviceAddress: '10.32.0.2', port: 8081 },
    { node: 'u2', nodeAddress: '192.168.56.12', serviceAddress: '', port: 8081 },
  ],
};
const lookup = async (service: string) => instances[service] ?? [];

interface DnsRecord {
  name: string;
  type: string;
  data: unknown;
}

/** Round-trips through the wire format, as dig would see it. */
async function ask(name: string, type: 'A' | 'SRV') {
  const query = dnsPacket.decode(dnsPacket.encode({ id: 7, type: 'query', flags: 0x100, questions: [{ name, type }] }));
  // dns-packet's typings omit `rcode` and type `data` per record kind; the tests read them loosely.
  return dnsPacket.decode(dnsPacket.encode(await answerDnsQuery(query, lookup))) as unknown as {
    id: number;
    rcode: string;
    answers: DnsRecord[];
    authorities: DnsRecord[];
    additionals: DnsRecord[];
  };
}

describe('answerDnsQuery', () => {
  it('answers A with the service address, else the node address', async () => {
    for (const name of ['httpbackend.service.consul', 'httpbackend.service.dc1.consul']) {
      const reply = await ask(name, 'A');
      expect(reply.rcode).toBe('NOERROR');
      expect(reply.id).toBe(7);
      expect(reply.answers.map((a) => a.data).sort()).toEqual(['10.32.0.2', '192.168.56.12']);
    }
  });

  it('answers SRV with the port, an addr target for explicit addresses and the A record in additional', async () => {
    const reply = await ask('httpbackend.service.dc1.consul', 'SRV');
    const byTarget = (x: { data: unknown }, y: { data: unknown }) =>
      JSON.stringify(x.data).localeCompare(JSON.stringify(y.data));
    expect(reply.answers.sort(byTarget).map((a) => a.data)).toEqual([
      { priority: 1, weight: 1, port: 8081, target: '0a200002.addr.dc1.consul' },
      { priority: 1, weight: 1, port: 8081, target: 'u2.node.dc1.consul' },
    ]);
    expect(reply.additionals.map((a) => [a.name, a.data]).sort()).toEqual([
      ['0a200002.addr.dc1.consul', '10.32.0.2'],
      ['u2.node.dc1.consul', '192.168.56.12'],
    ]);
    const rfc = await ask('_httpbackend._tcp.service.consul', 'SRV');
    expect(rfc.answers).toHaveLength(2);
  });

  it('is NXDOMAIN with an SOA for unknown services and names', async () => {
    for (const name of ['nope.service.consul', 'example.com']) {
      const reply = await ask(name, 'A');
      expect(reply.rcode).toBe('NXDOMAIN');
      expect(reply.answers).toEqual([]);
      expect(reply.authorities[0]?.type).toBe('SOA');
    }
  });

  it('resolves addr names back to the address', async () => {
    expect(toHexIp('10.32.4.17')).toBe('0a200411');
    const reply = await ask('0a200411.addr.dc1.consul', 'A');
    expect(reply.answers[0]?.data).toBe('10.32.4.17');
  });
});

describe('compileFilter', () => {
  const entries = [
    { ServiceID: 'a', ServiceMeta: { nomad_job: 'web' }, ServiceTags: ['weave'] },
    { ServiceID: 'b', ServiceMeta: { nomad_job: 'db' }, ServiceTags: [] },
  ];
  it('supports ==, !=, in and and', () => {
    const ids = (expr: string) => entries.filter(compileFilter(expr)).map((e) => e.ServiceID);
    expect(ids('ServiceMeta.nomad_job == "web"')).toEqual(['a']);
    expect(ids('ServiceMeta.nomad_job != "web"')).toEqual(['b']);
    expect(ids('"weave" in ServiceTags')).toEqual(['a']);
    expect(ids('"weave" in ServiceTags and ServiceMeta.nomad_job == "db"')).toEqual([]);
  });
  it('rejects what it does not understand with a 400', () => {
    expect(() => compileFilter('ServiceMeta.x ~ "y"')).toThrow(/Failed to create boolean expression evaluator/);
  });
});

import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { createSilentLogger } from '../../../../src/logging.js';
import { AgentState, CHECK_DEREGISTER_INTERVAL_MIN_MS } from '../../../lab/consul/agent-state.js';
import { answerDnsQuery, type DnsInstance } from '../../../lab/consul/dns-answer.js';
import { toDnsInstances } from '../../../lab/consul/dns-server.js';
import { parseServiceDefinition } from '../../../lab/consul/service-definition.js';

// Consul's DNS defaults as the lab models them (hashicorp/consul agent/dns/router_response.go, default.go).

const five: DnsInstance[] = [1, 2, 3, 4, 5].map((i) => ({
  node: `u${i}`,
  nodeAddress: `192.168.56.1${i}`,
  serviceAddress: `10.32.0.${i}`,
  port: 8081,
}));
const lookup = async () => five;

async function ask(type: 'A' | 'SRV', protocol: 'udp' | 'tcp', edns?: number) {
  const query: dnsPacket.Packet = {
    id: 1,
    type: 'query',
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ name: 'web.service.consul', type }],
    ...(edns ? { additionals: [{ type: 'OPT', name: '.', udpPayloadSize: edns } as dnsPacket.Answer] } : {}),
  };
  const wire = dnsPacket.decode(dnsPacket.encode(query));
  return dnsPacket.decode(dnsPacket.encode(await answerDnsQuery(wire, lookup, 'dc1', { protocol })));
}

describe('lab Consul DNS defaults', () => {
  it('UDP without EDNS answers at most udp_answer_limit = 3 records, without the TC bit', async () => {
    const a = await ask('A', 'udp');
    expect(a.answers).toHaveLength(3);
    expect((a.flags ?? 0) & dnsPacket.TRUNCATED_RESPONSE).toBe(0);
    const srv = await ask('SRV', 'udp');
    expect(srv.answers).toHaveLength(3);
    // Only the additional records of the kept answers remain (syncExtra).
    expect(srv.additionals).toHaveLength(3);
  });

  it('TCP and UDP with a larger EDNS buffer answer every instance', async () => {
    expect((await ask('A', 'tcp')).answers).toHaveLength(5);
    expect((await ask('A', 'udp', 4096)).answers).toHaveLength(5);
    // EDNS asking for 512 bytes is the same as none.
    expect((await ask('A', 'udp', 512)).answers).toHaveLength(3);
  });

  it('shuffles the answers', async () => {
    const orders = new Set<string>();
    for (let i = 0; i < 30; i++)
      orders.add(JSON.stringify((await ask('A', 'tcp')).answers?.map((r) => (r as { data?: unknown }).data)));
    expect(orders.size).toBeGreaterThan(1);
  });

  it('leaves out only critical instances (only_passing = false)', () => {
    const entry = (node: string, statuses: string[]) => ({
      Node: { Node: node, Address: `192.168.56.${node.length}` },
      Service: { Address: `10.32.0.${node.length}`, Port: 80 },
      Checks: statuses.map((Status) => ({ Status })),
    });
    const kept = toDnsInstances([
      entry('a', ['passing']),
      entry('bb', ['passing', 'warning']),
      entry('ccc', ['passing', 'critical']),
    ]).map((i) => i.node);
    expect(kept).toEqual(['a', 'bb']);
  });
});

describe('lab Consul reaper', () => {
  it('raises DeregisterCriticalServiceAfter below 1 minute to the minimum', () => {
    const agent = new AgentState('u1', createSilentLogger(), () => {});
    agent.register(
      parseServiceDefinition(
        {
          ID: 'doomed',
          Name: 'doomed',
          Port: 1,
          Check: { TCP: '127.0.0.1:1', Interval: '10s', DeregisterCriticalServiceAfter: '1s' },
        },
        'dc1',
      ),
      false,
    );
    const check = [...agent.checks.values()][0];
    if (!check) throw new Error('no check');
    check.status = 'critical';
    check.criticalSinceMs = 0;
    expect(agent.reap(5_000)).toEqual([]);
    expect(agent.reap(CHECK_DEREGISTER_INTERVAL_MIN_MS - 1)).toEqual([]);
    expect(agent.reap(CHECK_DEREGISTER_INTERVAL_MIN_MS + 1)).toEqual(['doomed']);
    agent.close();
  });
});

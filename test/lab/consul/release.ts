/**
 * The Consul release the emulator answers as (the lab pins hashicorp/consul v1.19.2; its contract fixtures are in
 * test/fixtures/consul/). The revision is the short commit a real agent reports in `Config.Revision` and in the serf
 * `build` tag (`<version>:<revision>`, agent/consul/client_serf.go `setupSerf`); the lab's value is illustrative.
 */
export const CONSUL_VERSION = '1.19.2';
export const CONSUL_REVISION = '048f1936';
export const CONSUL_BUILD_DATE = '2024-08-27T16:06:44Z';

/**
 * A node's `TaggedAddresses` as agents register them: lan and wan, each also as `_ipv4` for an IPv4 address
 * (agent/agent.go `setupNode` → local state; the wan address defaults to the advertise address).
 */
export function nodeTaggedAddresses(address: string): Record<string, string> {
  return { lan: address, lan_ipv4: address, wan: address, wan_ipv4: address };
}

/** A node's `Meta` as agents register it: the network segment and, since 1.15, the agent's version. */
export function nodeMeta(): Record<string, string> {
  return { 'consul-network-segment': '', 'consul-version': CONSUL_VERSION };
}

/**
 * A serf member as `GET /v1/agent/members` and `Member` of `/v1/agent/self` show it: hashicorp/serf serf/serf.go
 * `Member` (Name, Addr, Port, Tags, Status, Protocol*, Delegate*), with the tags a client agent sets
 * (agent/consul/client_serf.go `setupSerf`: role, dc, segment, id, vsn, vsn_min, vsn_max, build).
 */
export function serfMember(m: { name: string; address: string; datacenter: string; nodeId: string; alive: boolean }) {
  return {
    Name: m.name,
    Addr: m.address,
    Port: 8301,
    Tags: {
      build: `${CONSUL_VERSION}:${CONSUL_REVISION}`,
      dc: m.datacenter,
      id: m.nodeId,
      role: 'node',
      segment: '',
      vsn: '2',
      vsn_max: '3',
      vsn_min: '2',
    },
    Status: m.alive ? 1 : 4,
    ProtocolMin: 1,
    ProtocolMax: 5,
    ProtocolCur: 2,
    DelegateMin: 2,
    DelegateMax: 5,
    DelegateCur: 4,
  };
}

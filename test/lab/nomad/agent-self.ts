import type { NomadProfile } from './version-profiles.js';

/**
 * `GET /v1/agent/self` of the lab's server agent, in the shape of HEAD command/agent/agent_endpoint.go:63-104
 * and :692-696 (`{config, member, stats}`; v0.9.7 :305-309): `config` is the agent's Config with its
 * `Version` (version.VersionInfo, command/agent/config.go:167, v0.9.7 :132), `member` the server's serf
 * member whose `Tags.build` is `Version.VersionNumber()` (command/agent/agent.go:207, nomad/server.go:1744;
 * v0.9.7 agent.go:135, server.go:1251). Only the parts a client reads are filled; the agent's full Config
 * has far more fields.
 */
export function describeAgentSelf(profile: NomadProfile & { reported?: string }, region: string, datacenter: string) {
  const build = profile.reported ?? profile.version;
  const name = `nomad-server.${region}`;
  return {
    config: {
      Region: region,
      Datacenter: datacenter,
      NodeName: 'nomad-server',
      Version: profile.versionInfo,
    },
    member: {
      Name: name,
      Addr: '192.168.56.1',
      Port: 4648,
      Tags: {
        role: 'nomad',
        region,
        dc: datacenter,
        build,
        vsn: '1',
        raft_vsn: '3',
        port: '4647',
        rpc_addr: '192.168.56.1',
        id: 'a6f1c0de-0000-4000-8000-00000000000a',
        bootstrap: '1',
        expect: '1',
        ...profile.memberTags,
      },
      Status: 'alive',
      ProtocolMin: 1,
      ProtocolMax: 5,
      ProtocolCur: 2,
      DelegateMin: 2,
      DelegateMax: 5,
      DelegateCur: 4,
    },
    stats: { nomad: { server: 'true', leader: 'true', known_regions: '1', bootstrap: 'false' } },
  };
}

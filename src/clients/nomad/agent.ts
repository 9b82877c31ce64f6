import { z } from 'zod';
import type { CallOptions, NomadHttp } from './http.js';

/**
 * `GET /v1/agent/self`: `{config, member, stats}`. The release is `config.Version.Version` (version.VersionInfo;
 * a client-only agent has no serf member) and, on servers, `member.Tags.build` (`Version.VersionNumber()`).
 */
const agentSelfSchema = z.looseObject({
  config: z
    .looseObject({
      Region: z.string().nullish(),
      Datacenter: z.string().nullish(),
      NodeName: z.string().nullish(),
      Version: z.looseObject({ Version: z.string().nullish(), VersionPrerelease: z.string().nullish() }).nullish(),
    })
    .nullish(),
  member: z.looseObject({ Tags: z.record(z.string(), z.string()).nullish() }).nullish(),
});
export type AgentSelf = z.infer<typeof agentSelfSchema>;

/** Agent and cluster-wide endpoints. */
export interface NomadAgentApi {
  /** `GET /v1/agent/self`: the agent's config (region, datacenter, version) and serf member. */
  readAgentSelf(opts?: CallOptions): Promise<AgentSelf>;
  /** `GET /v1/regions`: every region the cluster knows. */
  listRegions(opts?: CallOptions): Promise<string[]>;
}

/** Builds the agent endpoints on top of the shared HTTP core. Neither sends `?region=` (they answer for the agent). */
export function createAgentApi(http: NomadHttp): NomadAgentApi {
  return {
    async readAgentSelf(opts = {}) {
      const res = await http.call({
        name: 'nomad.agent.self',
        method: 'GET',
        path: '/agent/self',
        schema: agentSelfSchema,
        signal: opts.signal,
        unscoped: true,
      });
      return res.value;
    },
    async listRegions(opts = {}) {
      const res = await http.call({
        name: 'nomad.regions.list',
        method: 'GET',
        path: '/regions',
        schema: z.array(z.string()),
        signal: opts.signal,
        unscoped: true,
      });
      return res.value;
    },
  };
}

/** The release an agent reports: `config.Version.Version`, else the server member's `build` tag. */
export function readReportedVersion(self: AgentSelf): string | undefined {
  return self.config?.Version?.Version || self.member?.Tags?.build || undefined;
}

import { HttpError } from '../nomad/http/http-error.js';
import type { Reply, RequestContext, Route } from '../nomad/http/router.js';
import { type AgentState, toAgentCheck, toAgentService } from './agent-state.js';
import { CONSUL_BUILD_DATE, CONSUL_REVISION, CONSUL_VERSION, nodeMeta, serfMember } from './release.js';
import { parseServiceDefinition } from './service-definition.js';

/** Identity of the agent's node. */
export interface AgentIdentity {
  node: string;
  nodeId: string;
  address: string;
  datacenter: string;
}

/** Forwards a read to the shared catalog and relays its status, body and index. */
export type CatalogProxy = (ctx: RequestContext) => Promise<Reply>;

/** The agent's own endpoints (reference §5.2, §5.3); catalog, health and members go to the shared catalog. */
export function createAgentRoutes(agent: AgentState, identity: AgentIdentity, proxy: CatalogProxy): Route[] {
  return [
    {
      methods: ['PUT'],
      pattern: '/v1/agent/service/register',
      handler: (ctx) => {
        const service = parseServiceDefinition(ctx.body, identity.datacenter);
        const replace =
          ctx.query.has('replace-existing-checks') && ctx.query.get('replace-existing-checks') !== 'false';
        agent.register(service, replace);
        return {};
      },
    },
    {
      methods: ['PUT'],
      pattern: '/v1/agent/service/deregister/:id',
      handler: (ctx) => {
        const id = ctx.params.id as string;
        if (!agent.deregister(id)) {
          throw new HttpError(
            404,
            `Unknown service ID "${id}". Ensure that the service ID is passed, not the service name.`,
          );
        }
        return {};
      },
    },
    {
      methods: ['GET'],
      pattern: '/v1/agent/services',
      handler: () => ({
        json: Object.fromEntries([...agent.services.values()].map((s) => [s.ID, toAgentService(s)])),
      }),
    },
    {
      methods: ['GET'],
      pattern: '/v1/agent/service/:id',
      handler: (ctx) => {
        const service = agent.services.get(ctx.params.id as string);
        if (!service) throw new HttpError(404, `unknown service ID: ${ctx.params.id}`);
        return { json: toAgentService(service) };
      },
    },
    {
      methods: ['GET'],
      pattern: '/v1/agent/checks',
      handler: () => ({
        json: Object.fromEntries(
          [...agent.checks.values()].map((c) => [
            c.def.CheckID,
            toAgentCheck(identity.node, c, agent.services.get(c.serviceId)),
          ]),
        ),
      }),
    },
    {
      methods: ['GET'],
      pattern: '/v1/agent/self',
      // hashicorp/consul v1.19.2 agent/agent_endpoint.go `AgentSelf`: Self{Config, DebugConfig, Coord, Member, Stats,
      // Meta}; Config is its anonymous struct (Partition omitempty, absent in CE). DebugConfig and Stats are cut
      // down to nothing: the bot reads only Config and Member.
      handler: () => ({
        json: {
          Config: {
            Datacenter: identity.datacenter,
            PrimaryDatacenter: identity.datacenter,
            NodeName: identity.node,
            NodeID: identity.nodeId,
            Revision: CONSUL_REVISION,
            Server: false,
            Version: CONSUL_VERSION,
            BuildDate: CONSUL_BUILD_DATE,
          },
          DebugConfig: {},
          Coord: { Vec: [0, 0, 0, 0, 0, 0, 0, 0], Error: 1.5, Adjustment: 0, Height: 0.00001 },
          Member: serfMember({
            name: identity.node,
            address: identity.address,
            datacenter: identity.datacenter,
            nodeId: identity.nodeId,
            alive: true,
          }),
          Stats: {},
          Meta: nodeMeta(),
        },
      }),
    },
    { methods: ['GET'], pattern: '/v1/agent/members', handler: proxy },
    { methods: ['GET'], pattern: '/v1/catalog/:rest*', handler: proxy },
    { methods: ['GET'], pattern: '/v1/health/:rest*', handler: proxy },
  ];
}

/** A proxy to the catalog server at `catalogUrl`, passing the ACL token through. */
export function createCatalogProxy(catalogUrl: string): CatalogProxy {
  return async (ctx) => {
    const search = ctx.query.toString();
    const headers: Record<string, string> = {};
    const token = ctx.headers['x-consul-token'];
    if (typeof token === 'string') headers['X-Consul-Token'] = token;
    const res = await fetch(`${catalogUrl}${ctx.path}${search ? `?${search}` : ''}`, { headers });
    const text = await res.text();
    const index = res.headers.get('x-consul-index');
    const relayed: Record<string, string> = index ? { 'X-Consul-Index': index } : {};
    if (!res.ok) return { status: res.status, text, headers: relayed };
    return { status: res.status, json: JSON.parse(text) as unknown, headers: relayed };
  };
}

import { parseBlockingQuery } from '../nomad/http/blocking-query.js';
import { HttpError } from '../nomad/http/http-error.js';
import type { Reply, RequestContext, Route } from '../nomad/http/router.js';
import type { CatalogState, NodeSync, ServiceInstance } from './catalog-state.js';
import { compileFilter } from './filter-expression.js';
import { nodeMeta, nodeTaggedAddresses, serfMember } from './release.js';

/**
 * Catalog and health endpoints of the shared catalog (agents proxy theirs here), plus the internal sync
 * endpoint agents push their state to and the member list.
 */
export function createCatalogRoutes(catalog: CatalogState): Route[] {
  const blocking =
    (answer: (ctx: RequestContext) => unknown) =>
    async (ctx: RequestContext): Promise<Reply> => {
      const query = parseBlockingQuery(ctx.query);
      if (query) await catalog.index.waitBeyond(query.index, query.waitMs);
      return { json: answer(ctx) };
    };
  const filtered = <T>(ctx: RequestContext, entries: T[]): T[] => {
    const expression = ctx.query.get('filter');
    const tag = ctx.query.get('tag');
    const byTag = tag ? entries.filter((e) => hasTag(e, tag)) : entries;
    return expression ? byTag.filter(compileFilter(expression)) : byTag;
  };
  return [
    {
      methods: ['PUT'],
      pattern: '/v1/internal/lab/sync',
      handler: (ctx) => {
        const sync = ctx.body as NodeSync | undefined;
        if (!sync || typeof sync.Node !== 'string' || !Array.isArray(sync.Services) || !Array.isArray(sync.Checks)) {
          throw new HttpError(400, 'Request decode failed: invalid sync body');
        }
        catalog.applySync(sync);
        return { json: true };
      },
    },
    {
      methods: ['GET'],
      pattern: '/v1/catalog/services',
      handler: blocking(() => {
        const result: Record<string, string[]> = {};
        for (const node of catalog.nodes.values()) {
          for (const { value } of node.services.values()) {
            result[value.Service] = [...new Set([...(result[value.Service] ?? []), ...value.Tags])];
          }
        }
        return result;
      }),
    },
    {
      methods: ['GET'],
      pattern: '/v1/catalog/service/:name',
      handler: blocking((ctx) => filtered(ctx, catalog.instancesOf(ctx.params.name as string).map(toCatalogEntry))),
    },
    {
      // One datacenter: the lab has a single dc1 (GET /v1/catalog/datacenters, agent/catalog_endpoint.go
      // `CatalogDatacenters`: a JSON array of names, nearest first).
      methods: ['GET'],
      pattern: '/v1/catalog/datacenters',
      handler: () => ({ json: ['dc1'] }),
    },
    {
      methods: ['GET'],
      pattern: '/v1/catalog/nodes',
      handler: blocking(() => [...catalog.nodes.values()].map(toNode)),
    },
    {
      methods: ['GET'],
      pattern: '/v1/health/service/:name',
      handler: blocking((ctx) => {
        const passingOnly = ctx.query.has('passing') && ctx.query.get('passing') !== 'false';
        const entries = catalog
          .instancesOf(ctx.params.name as string)
          .filter((i) => !passingOnly || i.checks.every((c) => c.Status === 'passing'))
          .map(toHealthEntry);
        return filtered(ctx, entries);
      }),
    },
    {
      methods: ['GET'],
      pattern: '/v1/health/checks/:name',
      handler: blocking((ctx) => catalog.instancesOf(ctx.params.name as string).flatMap((i) => i.checks.slice(1))),
    },
    {
      methods: ['GET'],
      pattern: '/v1/agent/members',
      handler: () => ({
        json: [...catalog.nodes.values()].map((node) =>
          serfMember({
            name: node.Node,
            address: node.Address,
            datacenter: node.Datacenter,
            nodeId: node.ID,
            alive: node.alive,
          }),
        ),
      }),
    },
  ];
}

function toNode(node: ServiceInstance['node']) {
  return {
    ID: node.ID,
    Node: node.Node,
    Address: node.Address,
    Datacenter: node.Datacenter,
    TaggedAddresses: nodeTaggedAddresses(node.Address),
    Meta: nodeMeta(),
    CreateIndex: node.createIndex,
    ModifyIndex: node.modifyIndex,
  };
}

/**
 * One `ServiceNode` (hashicorp/consul agent/structs/structs.go, field order kept): ServiceTaggedAddresses is
 * omitempty, ServiceSocketPath is not; ServiceProxy is a struct (always present, Mode/MeshGateway/Expose).
 */
function toCatalogEntry({ node, service }: ServiceInstance) {
  const s = service.value;
  return {
    ID: node.ID,
    Node: node.Node,
    Address: node.Address,
    Datacenter: node.Datacenter,
    TaggedAddresses: nodeTaggedAddresses(node.Address),
    NodeMeta: nodeMeta(),
    ServiceKind: '',
    ServiceID: s.ID,
    ServiceName: s.Service,
    ServiceTags: s.Tags,
    ServiceAddress: s.Address,
    ...(s.TaggedAddresses ? { ServiceTaggedAddresses: s.TaggedAddresses } : {}),
    ServiceWeights: s.Weights,
    ServiceMeta: s.Meta,
    ServicePort: s.Port,
    ServiceSocketPath: '',
    ServiceEnableTagOverride: s.EnableTagOverride,
    ServiceProxy: emptyProxy(),
    ServiceConnect: {},
    // agent/structs/structs.go ServiceNode (1.17+): `ServiceLocality *Locality \`bexpr:"-"\`` has no json tag,
    // so a service without locality encodes it as null (published v1.19/1.20 catalog answers show it).
    ServiceLocality: null,
    CreateIndex: service.createIndex,
    ModifyIndex: service.modifyIndex,
  };
}

/** `ConnectProxyConfig` of a typical service: Mode, MeshGateway and Expose have no omitempty. */
function emptyProxy() {
  return { Mode: '', MeshGateway: {}, Expose: {} };
}

/**
 * One `CheckServiceNode{Node, Service, Checks}`. `Service` is a `NodeService`: Kind, TaggedAddresses, SocketPath and
 * Port are omitempty (a port 0 is left out), Weights, Proxy and Connect always present; no Datacenter (only the
 * agent's own api.AgentService has one).
 */
function toHealthEntry(instance: ServiceInstance) {
  const { ID, Service, Tags, Address, TaggedAddresses, Meta, Port, Weights, EnableTagOverride } =
    instance.service.value;
  return {
    Node: toNode(instance.node),
    Service: {
      ID,
      Service,
      Tags,
      Address,
      ...(TaggedAddresses ? { TaggedAddresses } : {}),
      Meta,
      ...(Port ? { Port } : {}),
      Weights,
      EnableTagOverride,
      Proxy: emptyProxy(),
      Connect: {},
      CreateIndex: instance.service.createIndex,
      ModifyIndex: instance.service.modifyIndex,
    },
    Checks: instance.checks,
  };
}

function hasTag(entry: unknown, tag: string): boolean {
  const e = entry as { ServiceTags?: string[]; Service?: { Tags?: string[] } };
  return (e.ServiceTags ?? e.Service?.Tags ?? []).includes(tag);
}

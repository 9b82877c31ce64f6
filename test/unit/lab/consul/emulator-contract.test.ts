import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createConsulClient } from '../../../../src/clients/consul/client.js';
import { createSilentLogger } from '../../../../src/logging.js';
import { describeShapeDifferences } from '../../../helpers/json-shape.js';
import { waitFor } from '../../../helpers/wait-for.js';
import { startAgent } from '../../../lab/consul/agent-server.js';
import { createCatalogRoutes } from '../../../lab/consul/catalog-routes.js';
import { CatalogState } from '../../../lab/consul/catalog-state.js';
import { createApiServer } from '../../../lab/nomad/http/serve.js';

// biome-ignore lint/suspicious/noExplicitAny: API JSON is walked loosely here
type Json = any;

const fixture = (name: string): Json =>
  JSON.parse(readFileSync(new URL(`../../../fixtures/consul/${name}`, import.meta.url), 'utf8'));

const closers: Array<() => void> = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

const listening = async <S extends Server | import('node:http').Server>(server: S) => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => server.close());
  return (server.address() as AddressInfo).port;
};

/** The shared catalog and one agent, in this process on loopback (no lab, no namespaces). */
async function startConsul() {
  const catalog = new CatalogState();
  const catalogServer = createApiServer({
    routes: createCatalogRoutes(catalog),
    indexHeader: 'X-Consul-Index',
    currentIndex: () => catalog.index.value,
    describeDecodeError: (message) => `Request decode failed: ${message}`,
    methodNotAllowedText: 'method not allowed',
    onUnexpectedError: () => undefined,
  });
  const catalogPort = await listening(catalogServer);
  const agent = await startAgent({
    node: 'u1',
    nodeId: '40e4a748-2192-161a-0510-9bf59fe950b5',
    address: '127.0.0.1',
    datacenter: 'dc1',
    clientAddr: '127.0.0.1',
    httpPort: 0,
    dnsPort: 0,
    catalogUrl: `http://127.0.0.1:${catalogPort}`,
    reapIntervalMs: 60_000,
    syncIntervalMs: 60_000,
    logger: createSilentLogger(),
  });
  closers.push(() => agent.close());
  const url = `http://127.0.0.1:${(agent.server.address() as AddressInfo).port}`;
  return { url, get: async (path: string): Promise<Json> => (await fetch(`${url}${path}`)).json() };
}

/** The emulators poll every 100 ms; ten seconds is a hang, not a slow answer. */
const POLL = { timeoutMs: 10_000, intervalMs: 100 };

/** Proxy and Connect are compared by presence and type only; node and member tags are open maps. */
const catalogShape = { skip: ['[0].ServiceProxy'], partial: ['[0].TaggedAddresses', '[0].NodeMeta'] };
const healthShape = {
  skip: ['[0].Service.Proxy'],
  partial: ['[0].Node.TaggedAddresses', '[0].Node.Meta'],
};
const memberShape = { partial: ['[0].Tags'] };
/** The bot reads Config and Member; DebugConfig, Coord, Stats and xDS are not compared. */
const selfShape = { partial: ['', 'Member.Tags'], skip: ['DebugConfig', 'Coord', 'Stats', 'Meta'] };

/**
 * The emulated agent and catalog answer with the fields and JSON types of Consul v1.19.2's structs, as the contract
 * fixtures record them (test/fixtures/consul/README.md), for a service registered the way the bot registers one.
 */
describe('emulated Consul against its v1.19.2 contract fixtures', () => {
  it('answers health, catalog, agent services, self, members and datacenters in shape', async () => {
    const { url, get } = await startConsul();
    const target = createServer((socket) => socket.end());
    const targetPort = await listening(target);
    const consul = createConsulClient({ address: url, timeoutMs: 2000, logger: createSilentLogger() });
    await consul.registerAgentService({
      ID: 'netops-5456bd7a-web-web',
      Name: 'web',
      Address: '127.0.0.1',
      Port: targetPort,
      Tags: ['weave', 'tenant-b'],
      Meta: { nomad_alloc_id: '5456bd7a-9fc0-c0dd-6131-cbee77f57577', nomad_job: 'web' },
      Check: { TCP: `127.0.0.1:${targetPort}`, Interval: '1s', Timeout: '2s', DeregisterCriticalServiceAfter: '1m' },
    });
    const health = await waitFor(
      async () => {
        const entries = await get('/v1/health/service/web?passing=true');
        return entries.length === 1 ? entries : undefined;
      },
      'web passing in the health endpoint',
      POLL.timeoutMs,
      POLL,
    );
    expect(describeShapeDifferences(health, fixture('health-service.json'), healthShape)).toEqual([]);
    const [serf, check] = health[0].Checks;
    expect(serf.Definition).toEqual({});
    // Durations as Go's Duration.String() writes them; DeregisterCriticalServiceAfter 1m reads back as 1m0s.
    expect(check.Definition).toEqual({
      TCP: `127.0.0.1:${targetPort}`,
      Interval: '1s',
      Timeout: '2s',
      DeregisterCriticalServiceAfter: '1m0s',
    });
    expect([check.Interval, check.Timeout]).toEqual(['1s', '2s']);
    // The shape walk compares arrays by their first element (serfHealth); the service's own check separately, both
    // in the health entry and in the agent's own list (the same HealthCheck struct).
    const serviceCheck = fixture('health-service.json')[0].Checks[1];
    expect(describeShapeDifferences(check, serviceCheck)).toEqual([]);
    const agentChecks = await get('/v1/agent/checks');
    expect(describeShapeDifferences(agentChecks, { c: serviceCheck }, { dynamicKeys: [''] })).toEqual([]);

    const catalog = await get('/v1/catalog/service/web');
    expect(describeShapeDifferences(catalog, fixture('catalog-service.json'), catalogShape)).toEqual([]);
    expect(catalog[0].ServiceTaggedAddresses).toBeUndefined();

    const services = await get('/v1/agent/services');
    expect(describeShapeDifferences(services, fixture('agent-services.json'), { dynamicKeys: [''] })).toEqual([]);

    const self = await get('/v1/agent/self');
    expect(describeShapeDifferences(self, fixture('agent-self.json'), selfShape)).toEqual([]);
    expect(self.Config.Version).toBe('1.19.2');
    const members = await get('/v1/agent/members');
    expect(describeShapeDifferences(members, fixture('agent-members.json'), memberShape)).toEqual([]);
    expect(members[0].Tags.build).toMatch(/^1\.19\.2:/);
    expect(await get('/v1/catalog/datacenters')).toEqual(fixture('catalog-datacenters.json'));
  });
});

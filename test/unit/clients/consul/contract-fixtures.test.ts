import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createConsulClient } from '../../../../src/clients/consul/client.js';
import { createSilentLogger } from '../../../../src/logging.js';
import { checkConsulDatacenter } from '../../../../src/net/deploy/consul-datacenter.js';
import { readInstanceHealth } from '../../../../src/net/deploy/consul-sync.js';
import { type HttpStub, type SeenRequest, startHttpStub } from '../http-stub.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../fixtures/consul/${name}`, import.meta.url), 'utf8'));

/** Serves the v1.19.2 contract fixtures (test/fixtures/consul/README.md) at the endpoints they were written for. */
function serveFixtures(req: SeenRequest) {
  const routes: Array<[RegExp, string]> = [
    [/^\/v1\/health\/service\/web$/, 'health-service.json'],
    [/^\/v1\/catalog\/service\/web$/, 'catalog-service.json'],
    [/^\/v1\/agent\/services$/, 'agent-services.json'],
    [/^\/v1\/agent\/self$/, 'agent-self.json'],
    [/^\/v1\/agent\/members$/, 'agent-members.json'],
    [/^\/v1\/catalog\/datacenters$/, 'catalog-datacenters.json'],
  ];
  const hit = req.method === 'GET' ? routes.find(([re]) => re.test(req.path)) : undefined;
  return hit
    ? { body: fixture(hit[1]), headers: { 'X-Consul-Index': '122' } }
    : { status: 404, text: '404 page not found' };
}

let stub: HttpStub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

async function client() {
  stub = await startHttpStub(serveFixtures);
  return createConsulClient({ address: stub.url, datacenter: 'dc1', timeoutMs: 2000, logger: createSilentLogger() });
}

describe('Consul client against the v1.19.2 contract fixtures', () => {
  it('reads health entries: node, service address and port, and the worst check status', async () => {
    const consul = await client();
    const [entry] = await consul.healthService('web');
    expect(entry?.Node).toMatchObject({ Node: 'u1', Address: '192.168.56.11', Datacenter: 'dc1' });
    expect(entry?.Checks.map((c) => c.CheckID)).toEqual(['serfHealth', 'service:netops-5456bd7a-web-web']);
    const health = await readInstanceHealth(
      consul,
      'web',
      ['netops-5456bd7a-web-web', 'netops-gone'],
      new AbortController().signal,
    );
    expect(health).toEqual([
      {
        serviceId: 'netops-5456bd7a-web-web',
        node: 'u1',
        address: '10.32.4.17',
        port: 8080,
        checkStatus: 'passing',
      },
      { serviceId: 'netops-gone', node: '', address: '', port: 0, checkStatus: 'missing' },
    ]);
    expect(stub?.requests.at(-1)?.query.get('dc')).toBe('dc1');
  });

  it('reads catalog entries with their service address, port and meta', async () => {
    const consul = await client();
    const [entry] = await consul.catalogService('web');
    expect(entry).toMatchObject({
      Node: 'u1',
      Address: '192.168.56.11',
      ServiceID: 'netops-5456bd7a-web-web',
      ServiceAddress: '10.32.4.17',
      ServicePort: 8080,
      ServiceTags: ['weave', 'tenant-b'],
      ServiceMeta: { nomad_job: 'web' },
    });
  });

  it('reads the agent services map keyed by ID', async () => {
    const consul = await client();
    const services = await consul.listAgentServices();
    expect(Object.keys(services)).toEqual(['netops-5456bd7a-web-web']);
    expect(services['netops-5456bd7a-web-web']).toMatchObject({ Service: 'web', Address: '10.32.4.17', Port: 8080 });
  });

  it('reads agent self, members and datacenters, and finds the configured datacenter', async () => {
    const consul = await client();
    const self = await consul.agentSelf();
    expect(self.Config).toMatchObject({ Datacenter: 'dc1', NodeName: 'u1', Version: '1.19.2', Server: false });
    expect(self.Member).toMatchObject({ Name: 'u1', Addr: '192.168.56.11', Status: 1 });
    const [member] = await consul.members();
    expect(member).toMatchObject({ Name: 'u1', Status: 1, Tags: { role: 'node', dc: 'dc1' } });
    expect(await consul.datacenters()).toEqual(['dc1']);
    const ok = await checkConsulDatacenter(consul, 'dc1');
    expect(ok).toEqual({ agentDatacenter: 'dc1', datacenters: ['dc1'], problems: [] });
    const wrong = await checkConsulDatacenter(consul, 'dc9');
    expect(wrong.problems).toEqual([
      'Consul datacenter `dc9` does not exist; the cluster has `dc1` (set clusters[].consul.datacenter)',
    ]);
  });
});

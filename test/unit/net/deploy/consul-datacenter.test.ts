import { afterEach, describe, expect, it } from 'vitest';
import { createConsulClient } from '../../../../src/clients/consul/client.js';
import { createFailoverConsulClient } from '../../../../src/clients/consul/failover.js';
import { createSilentLogger } from '../../../../src/logging.js';
import { checkConsulDatacenter } from '../../../../src/net/deploy/consul-datacenter.js';
import { findClosedPort, type HttpStub, startHttpStub } from '../../clients/http-stub.js';

const stubs: HttpStub[] = [];
afterEach(async () => {
  await Promise.all(stubs.splice(0).map((s) => s.close()));
});

// The answers of GET /v1/agent/self (Config.Datacenter) and GET /v1/catalog/datacenters (a JSON array, nearest
// first), as hashicorp/consul documents them (website/content/api-docs/catalog.mdx "List Datacenters").
async function consulStub() {
  const stub = await startHttpStub((req) => {
    if (req.path === '/v1/agent/self') return { body: { Config: { Datacenter: 'east-aws', NodeName: 'n1' } } };
    if (req.path === '/v1/catalog/datacenters') return { body: ['east-aws', 'west-gcp'] };
    return { status: 404, text: '' };
  });
  stubs.push(stub);
  return stub;
}

const client = (address: string) => createConsulClient({ address, timeoutMs: 2000, logger: createSilentLogger() });

describe('checkConsulDatacenter', () => {
  it('names the real datacenters when the configured one does not exist', async () => {
    const stub = await consulStub();
    const check = await checkConsulDatacenter(client(stub.url), 'dc1');
    expect(check.problems).toEqual([
      'Consul datacenter `dc1` does not exist; the cluster has `east-aws`, `west-gcp` (set clusters[].consul.datacenter)',
    ]);
    expect(check.agentDatacenter).toBe('east-aws');
  });

  it('passes for an existing or unset datacenter', async () => {
    const stub = await consulStub();
    expect((await checkConsulDatacenter(client(stub.url), 'west-gcp')).problems).toEqual([]);
    expect((await checkConsulDatacenter(client(stub.url), undefined)).problems).toEqual([]);
  });

  it('fails over to the next agent when the first is down', async () => {
    const stub = await consulStub();
    const down = client(`http://127.0.0.1:${await findClosedPort()}`);
    const check = await checkConsulDatacenter(createFailoverConsulClient([down, client(stub.url)]), 'east-aws');
    expect(check.problems).toEqual([]);
    expect(stub.requests.map((r) => r.path)).toEqual(['/v1/agent/self', '/v1/catalog/datacenters']);
  });
});

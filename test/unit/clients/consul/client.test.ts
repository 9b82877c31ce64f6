import { afterEach, describe, expect, it } from 'vitest';
import { createConsulClient } from '../../../../src/clients/consul/client.js';
import { ErrorCode, type NetopsError } from '../../../../src/errors.js';
import { createSilentLogger } from '../../../../src/logging.js';
import { findClosedPort, type HttpStub, type SeenRequest, type StubAnswer, startHttpStub } from '../http-stub.js';

const stubs: HttpStub[] = [];
afterEach(async () => {
  await Promise.all(stubs.splice(0).map((s) => s.close()));
});

async function setup(answer: (req: SeenRequest) => StubAnswer, timeoutMs = 2000) {
  const stub = await startHttpStub(answer);
  stubs.push(stub);
  const client = createConsulClient({
    address: stub.url,
    datacenter: 'dc1',
    token: 'consul-token-1',
    timeoutMs,
    logger: createSilentLogger(),
  });
  return { client, stub };
}

async function catchError(p: Promise<unknown>): Promise<NetopsError> {
  try {
    await p;
  } catch (err) {
    return err as NetopsError;
  }
  throw new Error('expected a rejection');
}

// §5.3 of the reference: Nomad's own (wrong-IP) registration as the catalog shows it.
const catalogEntry = {
  Node: 'nomad-4',
  Address: '10.0.1.14',
  Datacenter: 'dc1',
  ServiceID: '_nomad-task-5456bd7a-9fc0-c0dd-6131-cbee77f57577-web-web-http',
  ServiceName: 'web',
  ServiceAddress: '10.0.1.14',
  ServicePort: 24518,
  ServiceTags: [],
  ServiceMeta: {},
};

const healthEntry = {
  Node: { ID: 'n1', Node: 'u1', Address: '192.168.56.11', Datacenter: 'dc1', TaggedAddresses: {}, Meta: {} },
  Service: {
    ID: 'weave-5456bd7a-web-web',
    Service: 'web',
    Tags: ['weave'],
    Address: '10.32.1.2',
    Port: 8080,
    Meta: {},
  },
  Checks: [
    { Node: 'u1', CheckID: 'serfHealth', Name: 'Serf Health Status', Status: 'passing', Output: '', ServiceID: '' },
    { Node: 'u1', CheckID: 'service:weave-5456bd7a-web-web', Status: 'passing', ServiceID: 'weave-5456bd7a-web-web' },
  ],
};

describe('consul agent services', () => {
  it('registers a service on the agent with token, address, meta and a TCP check', async () => {
    const { client, stub } = await setup(() => ({ text: '' }));
    await client.registerAgentService({
      ID: 'weave-5456bd7a-web-web',
      Name: 'web',
      Address: '10.32.4.17',
      Port: 8080,
      Tags: ['weave', 'tenant-b'],
      Meta: { nomad_alloc_id: '5456bd7a-9fc0-c0dd-6131-cbee77f57577', nomad_job: 'web' },
      Check: { TCP: '10.32.4.17:8080', Interval: '10s', Timeout: '2s', DeregisterCriticalServiceAfter: '5m' },
    });
    const req = stub.requests[0]!;
    expect(req.method).toBe('PUT');
    expect(req.path).toBe('/v1/agent/service/register');
    expect(req.headers['x-consul-token']).toBe('consul-token-1');
    const body = JSON.parse(req.body);
    expect(body).toMatchObject({
      ID: 'weave-5456bd7a-web-web',
      Name: 'web',
      Address: '10.32.4.17',
      Port: 8080,
      Tags: ['weave', 'tenant-b'],
      Meta: { nomad_alloc_id: '5456bd7a-9fc0-c0dd-6131-cbee77f57577', nomad_job: 'web' },
      Check: { TCP: '10.32.4.17:8080', Interval: '10s', Timeout: '2s', DeregisterCriticalServiceAfter: '5m' },
    });
  });

  it('refuses an ID in Nomad namespace before any request', async () => {
    const { client, stub } = await setup(() => ({ text: '' }));
    const err = await catchError(
      client.registerAgentService({ ID: '_nomad-task-abc-web-web-http', Name: 'web', Address: '10.32.0.2', Port: 80 }),
    );
    expect(err.message).toContain('_nomad-task-');
    expect(stub.requests).toHaveLength(0);
  });

  it('deregisters and treats "Unknown service" (404 new, 500 old agents) as already gone', async () => {
    let answer: StubAnswer = { text: '' };
    const { client, stub } = await setup(() => answer);
    await expect(client.deregisterAgentService('weave-1')).resolves.toBe(true);
    expect(stub.requests[0]).toMatchObject({ method: 'PUT', path: '/v1/agent/service/deregister/weave-1' });
    answer = { status: 404, text: 'Unknown service ID "weave-1". Ensure that the service ID is passed, not the name.' };
    await expect(client.deregisterAgentService('weave-1')).resolves.toBe(false);
    answer = { status: 500, text: 'Unknown service "weave-1"' };
    await expect(client.deregisterAgentService('weave-1')).resolves.toBe(false);
    answer = { status: 500, text: 'rpc error: leader lost' };
    const err = await catchError(client.deregisterAgentService('weave-1'));
    expect(err).toMatchObject({ code: ErrorCode.UpstreamHttp, status: 500, body: 'rpc error: leader lost' });
  });

  it('lists the agent services keyed by ID', async () => {
    const { client } = await setup(() => ({
      body: { 'weave-1': { ID: 'weave-1', Service: 'web', Tags: [], Meta: {}, Port: 8080, Address: '10.32.1.2' } },
    }));
    const services = await client.listAgentServices();
    expect(services['weave-1']?.Address).toBe('10.32.1.2');
  });
});

describe('consul reads', () => {
  it('reads the catalog with a filter and the datacenter', async () => {
    const { client, stub } = await setup(() => ({ body: [catalogEntry] }));
    const entries = await client.catalogService('web', { filter: 'ServiceMeta.nomad_job == "web"' });
    expect(entries[0]).toMatchObject({ ServiceAddress: '10.0.1.14', ServicePort: 24518 });
    const req = stub.requests[0]!;
    expect(req.path).toBe('/v1/catalog/service/web');
    expect(req.query.get('filter')).toBe('ServiceMeta.nomad_job == "web"');
    expect(req.query.get('dc')).toBe('dc1');
    expect(req.headers['x-consul-token']).toBe('consul-token-1');
  });

  it('reads health with passing=true', async () => {
    const { client, stub } = await setup(() => ({ body: [healthEntry] }));
    const entries = await client.healthService('web', { passing: true });
    expect(entries[0]?.Service.Address).toBe('10.32.1.2');
    expect(entries[0]?.Checks.map((c) => c.Status)).toEqual(['passing', 'passing']);
    expect(stub.requests[0]!.path).toBe('/v1/health/service/web');
    expect(stub.requests[0]!.query.get('passing')).toBe('true');
  });

  it('reads members and agent self', async () => {
    const { client, stub } = await setup((req) =>
      req.path === '/v1/agent/members'
        ? { body: [{ Name: 'u1', Addr: '192.168.56.11', Port: 8301, Status: 1, Tags: { role: 'node' } }] }
        : { body: { Config: { Datacenter: 'dc1', NodeName: 'u1', Version: '1.16.0', Server: false }, Member: null } },
    );
    expect((await client.members())[0]).toMatchObject({ Name: 'u1', Status: 1 });
    expect((await client.agentSelf()).Config.NodeName).toBe('u1');
    expect(stub.requests.map((r) => r.path)).toEqual(['/v1/agent/members', '/v1/agent/self']);
  });

  it('forAgent talks to the other agent with the same token', async () => {
    const { client, stub } = await setup(() => ({ text: '' }));
    const other = await startHttpStub(() => ({ text: '' }));
    stubs.push(other);
    const agent = client.forAgent(other.url);
    expect(agent.address).toBe(other.url);
    await agent.deregisterAgentService('weave-2');
    expect(stub.requests).toHaveLength(0);
    expect(other.requests[0]).toMatchObject({ path: '/v1/agent/service/deregister/weave-2' });
    expect(other.requests[0]!.headers['x-consul-token']).toBe('consul-token-1');
  });
});

describe('consul error mapping', () => {
  it('keeps the full 403 body (papi shortens the message)', async () => {
    const text = "Permission denied: token with AccessorID 'f2a1' lacks permission 'service:write' on \"web\"";
    const { client } = await setup(() => ({ status: 403, text }));
    const err = await catchError(
      client.registerAgentService({ ID: 'weave-1', Name: 'web', Address: '10.32.0.2', Port: 80 }),
    );
    expect(err).toMatchObject({ code: ErrorCode.UpstreamHttp, status: 403, body: text });
    expect(err.userMessage).toContain('lacks permission');
    expect(err.userMessage).toContain('ACL token');
  });

  it('maps 404 on reads to NotFound', async () => {
    const { client } = await setup(() => ({ status: 404, text: 'no such thing' }));
    const err = await catchError(client.agentSelf());
    expect(err.code).toBe(ErrorCode.NotFound);
  });

  it('maps connection refused to UpstreamUnreachable', async () => {
    const port = await findClosedPort();
    const client = createConsulClient({
      address: `http://127.0.0.1:${port}`,
      datacenter: 'dc1',
      timeoutMs: 1000,
      logger: createSilentLogger(),
    });
    const err = await catchError(client.members());
    expect(err.code).toBe(ErrorCode.UpstreamUnreachable);
    expect(err.userMessage).toBe(`Consul at http://127.0.0.1:${port} is unreachable (ECONNREFUSED)`);
  });

  it('maps a slow agent to TimeoutError and an abort to CancelledError', async () => {
    const { client } = await setup(() => ({ body: [], delayMs: 1500 }), 150);
    expect((await catchError(client.members())).code).toBe(ErrorCode.Timeout);
    const slow = await setup(() => ({ body: [], delayMs: 1500 }), 5000);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    expect((await catchError(slow.client.members({ signal: ac.signal }))).code).toBe(ErrorCode.Cancelled);
  });

  it('rejects a malformed response', async () => {
    const { client } = await setup(() => ({ body: [{ nope: 1 }] }));
    const err = await catchError(client.healthService('web'));
    expect(err.message).toContain('unexpected response shape');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { createNomadClient } from '../../../../src/clients/nomad/client.js';
import { computeBlockingTimeoutMs, MAX_WAIT_MS } from '../../../../src/clients/nomad/http.js';
import { createSilentLogger } from '../../../../src/logging.js';
import { type HttpStub, type SeenRequest, type StubAnswer, startHttpStub } from '../http-stub.js';
import { allocation, deployment, evaluation, nodes } from './fixtures.js';

let stub: HttpStub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

async function setup(answer: (req: SeenRequest) => StubAnswer) {
  stub = await startHttpStub(answer);
  const client = createNomadClient({ address: stub.url, timeoutMs: 2000, logger: createSilentLogger() });
  return { client, stub };
}

describe('nomad blocking reads', () => {
  it('reads an evaluation with explicit index and wait and returns X-Nomad-Index', async () => {
    const { client, stub } = await setup(() => ({ body: evaluation, headers: { 'X-Nomad-Index': '1203' } }));
    const res = await client.readEvaluation(evaluation.ID, { index: 1201, waitMs: 5000 });
    expect(res.index).toBe(1203);
    expect(res.value.BlockedEval).toBe('312e6a6d-8d01-0daf-9105-14919a66dba3');
    expect(res.value.FailedTGAllocs?.web?.DimensionExhausted).toEqual({ memory: 2 });
    const req = stub.requests[0]!;
    expect(req.path).toBe(`/v1/evaluation/${evaluation.ID}`);
    expect(req.query.get('index')).toBe('1201');
    expect(req.query.get('wait')).toBe('5000ms');
  });

  it('always sends wait (default 30 s) and caps it at Nomad maximum', async () => {
    const { client, stub } = await setup(() => ({ body: [allocation], headers: { 'X-Nomad-Index': '9' } }));
    const res = await client.listJobAllocations('web', { all: true });
    expect(res.value[0]!.NodeName).toBe('nomad-4');
    expect(res.index).toBe(9);
    await client.listJobAllocations('web', { waitMs: 3_600_000 });
    expect(stub.requests[0]!.query.get('wait')).toBe('30000ms');
    expect(stub.requests[0]!.query.get('index')).toBeNull();
    expect(stub.requests[0]!.query.get('all')).toBe('true');
    expect(stub.requests[1]!.query.get('wait')).toBe(`${MAX_WAIT_MS}ms`);
  });

  it('gives blocking calls an HTTP timeout of wait × 17/16 + 5 s', () => {
    expect(computeBlockingTimeoutMs(30_000)).toBe(36_875);
    expect(computeBlockingTimeoutMs(MAX_WAIT_MS)).toBeGreaterThan((MAX_WAIT_MS * 17) / 16);
  });

  it('returns null for a job without deployment (JSON null) and the deployment otherwise', async () => {
    let hasDeployment = false;
    const { client, stub } = await setup(() => ({ text: hasDeployment ? JSON.stringify(deployment) : 'null' }));
    const none = await client.readJobLatestDeployment('web');
    expect(none.value).toBeNull();
    hasDeployment = true;
    const some = await client.readJobLatestDeployment('web', { index: 5 });
    expect(some.value?.JobSpecModifyIndex).toBe(1201);
    expect(some.value?.TaskGroups?.web?.HealthyAllocs).toBe(1);
    expect(stub.requests[1]!.path).toBe('/v1/job/web/deployment');
    expect(stub.requests[1]!.query.get('index')).toBe('5');
  });

  it('reads a deployment, its allocations, an allocation and the nodes', async () => {
    const { client, stub } = await setup((req) => {
      if (req.path.startsWith('/v1/deployment/allocations/')) return { body: [allocation] };
      if (req.path.startsWith('/v1/deployment/')) return { body: deployment, headers: { 'X-Nomad-Index': '1211' } };
      if (req.path.startsWith('/v1/allocation/')) return { body: allocation };
      return { body: nodes };
    });
    const d = await client.readDeployment(deployment.ID, { waitMs: 1000 });
    expect(d).toMatchObject({ index: 1211, value: { Status: 'running' } });
    const allocs = await client.listDeploymentAllocations(deployment.ID);
    expect(allocs.map((a) => a.ID)).toEqual([allocation.ID]);
    const a = await client.readAllocation(allocation.ID);
    expect(a.TaskStates?.web?.Events?.[0]?.DisplayMessage).toBe('Task started by client');
    expect(a.DeploymentStatus?.Healthy).toBe(true);
    const n = await client.listNodes();
    expect(n[0]).toMatchObject({ Name: 'nomad-4', Address: '10.0.1.14', Status: 'ready' });
    expect(stub.requests.map((r) => r.path)).toEqual([
      `/v1/deployment/${deployment.ID}`,
      `/v1/deployment/allocations/${deployment.ID}`,
      `/v1/allocation/${allocation.ID}`,
      '/v1/nodes',
    ]);
    expect(stub.requests[0]!.query.get('wait')).toBe('1000ms');
    // non-blocking reads carry no wait
    expect(stub.requests[3]!.query.get('wait')).toBeNull();
  });
});

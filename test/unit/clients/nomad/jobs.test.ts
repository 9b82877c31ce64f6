import { afterEach, describe, expect, it } from 'vitest';
import { createNomadClient } from '../../../../src/clients/nomad/client.js';
import { createSilentLogger } from '../../../../src/logging.js';
import { type HttpStub, type StubAnswer, startHttpStub } from '../http-stub.js';
import { parsedJob, planResponse, registerResponse } from './fixtures.js';

let stub: HttpStub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

async function setup(answer: () => StubAnswer, extra: { namespace?: string; region?: string; token?: string } = {}) {
  stub = await startHttpStub(answer);
  const client = createNomadClient({ address: stub.url, timeoutMs: 2000, logger: createSilentLogger(), ...extra });
  return { client, stub };
}

describe('nomad jobs', () => {
  it('parses HCL with POST /v1/jobs/parse and returns the bare job', async () => {
    const { client, stub } = await setup(() => ({ body: parsedJob }), { token: 'secret-token-1' });
    const job = await client.parseJob('job "web" {}', { canonicalize: true });
    expect(job.ID).toBe('web');
    expect(job.TaskGroups?.[0]?.Tasks?.[0]?.Config).toEqual({ image: 'nginx:1.25' });
    // unknown fields survive so the job can be sent back as is
    expect((job as Record<string, unknown>).Update).toEqual(parsedJob.Update);
    const req = stub.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/v1/jobs/parse');
    expect(req.headers['x-nomad-token']).toBe('secret-token-1');
    expect(JSON.parse(req.body)).toEqual({ JobHCL: 'job "web" {}', Canonicalize: true });
  });

  it('sends namespace and region from the options and no token header without a token', async () => {
    const { client, stub } = await setup(() => ({ body: parsedJob }), { namespace: 'team-a', region: 'eu' });
    await client.readJob('web');
    const req = stub.requests[0]!;
    expect(req.method).toBe('GET');
    expect(req.path).toBe('/v1/job/web');
    expect(req.query.get('namespace')).toBe('team-a');
    expect(req.query.get('region')).toBe('eu');
    expect(req.headers['x-nomad-token']).toBeUndefined();
  });

  it('plans with Diff and returns JobModifyIndex and the annotations', async () => {
    const { client, stub } = await setup(() => ({ body: planResponse }));
    const plan = await client.planJob({ ID: 'web-tenant-b' }, { diff: true });
    expect(plan.JobModifyIndex).toBe(1187);
    expect(plan.Annotations?.DesiredTGUpdates?.web?.DestructiveUpdate).toBe(2);
    expect(plan.Diff?.TaskGroups?.[0]?.Updates).toEqual({ 'create/destroy update': 2 });
    expect(stub.requests[0]!.path).toBe('/v1/job/web-tenant-b/plan');
    expect(JSON.parse(stub.requests[0]!.body)).toEqual({ Job: { ID: 'web-tenant-b' }, Diff: true });
  });

  it('registers with EnforceIndex and the planned JobModifyIndex', async () => {
    const { client, stub } = await setup(() => ({ body: registerResponse, headers: { 'X-Nomad-Index': '1201' } }));
    const res = await client.registerJob({ ID: 'web' }, { enforceIndex: true, jobModifyIndex: 1187 });
    expect(res.EvalID).toBe('d092fdc0-e1fd-2536-67d8-43af8ca798ac');
    expect(res.JobModifyIndex).toBe(1201);
    const req = stub.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/v1/job/web');
    expect(JSON.parse(req.body)).toEqual({ Job: { ID: 'web' }, EnforceIndex: true, JobModifyIndex: 1187 });
  });

  it('registers create-only with JobModifyIndex 0 and without EnforceIndex when not asked', async () => {
    const { client, stub } = await setup(() => ({ body: registerResponse }));
    await client.registerJob({ ID: 'web' }, { enforceIndex: true });
    await client.registerJob({ ID: 'web' });
    expect(JSON.parse(stub.requests[0]!.body)).toMatchObject({ EnforceIndex: true, JobModifyIndex: 0 });
    expect(JSON.parse(stub.requests[1]!.body)).toEqual({ Job: { ID: 'web' } });
  });

  it('stops with DELETE and purge=true, encoding the job ID', async () => {
    const { client, stub } = await setup(() => ({ body: { EvalID: 'e1', EvalCreateIndex: 35, JobModifyIndex: 34 } }));
    const res = await client.stopJob('web/a b', { purge: true });
    expect(res.EvalID).toBe('e1');
    const req = stub.requests[0]!;
    expect(req.method).toBe('DELETE');
    expect(req.path).toBe('/v1/job/web%2Fa%20b');
    expect(req.query.get('purge')).toBe('true');
  });
});

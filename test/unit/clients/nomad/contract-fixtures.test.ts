import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createNomadClient } from '../../../../src/clients/nomad/client.js';
import { nodeAddressOf, readReportedVersion } from '../../../../src/clients/nomad/index.js';
import { createSilentLogger } from '../../../../src/logging.js';
import { checkNomadVersion } from '../../../../src/net/deploy/nomad-support.js';
import { applyTenant, overlayServices } from '../../../../src/net/tenant-job.js';
import { type HttpStub, type SeenRequest, startHttpStub } from '../http-stub.js';

const fixture = (version: string, name: string) =>
  JSON.parse(readFileSync(new URL(`../../../fixtures/nomad/${version}/${name}`, import.meta.url), 'utf8'));

/** Serves a release's contract fixtures at the endpoints they were written for. */
function serveFixtures(version: string) {
  return (req: SeenRequest) => {
    const routes: Array<[string, RegExp, string]> = [
      ['GET', /^\/v1\/agent\/self$/, 'agent-self.json'],
      ['POST', /^\/v1\/jobs\/parse$/, 'parse-canonical.json'],
      ['GET', /^\/v1\/nodes$/, 'nodes.json'],
      ['GET', /^\/v1\/node\/[^/]+$/, 'node.json'],
      ['GET', /^\/v1\/allocation\/[^/]+$/, 'allocation.json'],
      ['POST', /^\/v1\/job\/[^/]+$/, 'register.json'],
      ['POST', /^\/v1\/job\/[^/]+\/plan$/, 'plan-unchanged.json'],
      ['GET', /^\/v1\/evaluation\//, 'evaluation.json'],
      ['GET', /^\/v1\/deployment\//, 'deployment.json'],
      ['GET', /^\/v1\/job\/[^/]+\/allocations$/, 'job-allocations.json'],
      ['DELETE', /^\/v1\/job\/[^/]+$/, 'deregister-unknown-job.json'],
    ];
    const hit = routes.find(([m, re]) => m === req.method && re.test(req.path));
    return hit
      ? { body: fixture(version, hit[2]), headers: { 'x-nomad-index': '1220' } }
      : { status: 404, text: '404 page not found' };
  };
}

let stub: HttpStub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

describe.each(['0.9.7', '1.11.1', '2.0.6'])('Nomad client against the %s contract fixtures', (version) => {
  it('reads every recorded answer with the fields the bot uses', async () => {
    stub = await startHttpStub(serveFixtures(version));
    const nomad = createNomadClient({
      address: stub.url,
      region: 'global',
      timeoutMs: 2000,
      logger: createSilentLogger(),
    });
    const self = await nomad.readAgentSelf();
    expect(readReportedVersion(self)).toBe(version);
    expect(checkNomadVersion(readReportedVersion(self), stub.url)).toBe(version);
    // agent/self is not region-scoped: no ?region= on it.
    expect(stub.requests.at(-1)?.query.get('region')).toBeNull();

    const [node] = await nomad.listNodes();
    expect(node).toMatchObject({ Name: 'nomad-client-1.example.internal', Address: '10.0.1.14', Status: 'ready' });
    const job = { ID: 'httpbackend-tenant-b' };
    const registered = await nomad.registerJob(job, { enforceIndex: true, jobModifyIndex: 1201 });
    expect(registered.EvalID).toMatch(/^[0-9a-f-]{36}$/);
    const plan = await nomad.planJob(job);
    expect(plan.Diff?.Type).toBe('None');
    expect(plan.Annotations?.DesiredTGUpdates?.httpbackend?.Ignore).toBe(2);
    const evaluation = await nomad.readEvaluation(registered.EvalID, { index: 1 });
    expect(evaluation.value).toMatchObject({
      Status: 'complete',
      DeploymentID: '85ee4a9a-339f-a921-a9ef-0550d20b2c61',
    });
    const deployment = await nomad.readDeployment('85ee4a9a-339f-a921-a9ef-0550d20b2c61');
    expect(deployment.value).toMatchObject({ Status: 'successful', JobSpecModifyIndex: 1201, CreateIndex: 1203 });
    const allocs = await nomad.listJobAllocations('httpbackend-tenant-b');
    expect(allocs.value[0]).toMatchObject({ NodeID: 'f7476465-4d6e-c0de-26d0-e383c49be941', ClientStatus: 'running' });
    expect(Object.keys(allocs.value[0]?.TaskStates ?? {})).toEqual(['httpbackend']);
    // The single allocation and the node detail are the full structs: no Address on the node, HTTPAddr instead.
    const alloc = await nomad.readAllocation(allocs.value[0]?.ID as string);
    expect(alloc).toMatchObject({ ClientStatus: 'running', NodeID: 'f7476465-4d6e-c0de-26d0-e383c49be941' });
    expect(alloc.TaskStates?.httpbackend?.State).toBe('running');
    const detail = await nomad.readNode(alloc.NodeID as string);
    expect((detail as Record<string, unknown>).Address).toBeUndefined();
    expect(nodeAddressOf(detail)).toBe('10.0.1.14');
    expect(detail.NodePool ?? null).toBe(version === '0.9.7' ? null : 'default');
    const stopped = await nomad.stopJob('nope');
    // 0.9.7 evaluates a stop of an unknown job; 1.5.1+ answers an empty evaluation id.
    expect(stopped.EvalID === '').toBe(version !== '0.9.7');
  });
});

describe.each(['0.9.7', '1.11.1', '2.0.6'])('parsing a job against the %s parse fixture', (version) => {
  it('asks for the canonical form and renders the answer per tenant, nil pointers and all', async () => {
    stub = await startHttpStub(serveFixtures(version));
    const nomad = createNomadClient({ address: stub.url, timeoutMs: 2000, logger: createSilentLogger() });
    const parsed = await nomad.parseJob('job "httpbackend" {}');
    const sent = stub.requests.at(-1);
    expect(sent?.method).toBe('POST');
    expect(JSON.parse(sent?.body ?? '{}')).toMatchObject({ JobHCL: 'job "httpbackend" {}', Canonicalize: true });
    // The real answer carries Meta: null, Constraints: null… and (1.x) Task.RestartPolicy, NodePool "".
    expect(parsed.Meta).toBeNull();
    const job = applyTenant(
      parsed as Record<string, unknown>,
      'httpbackend',
      { tenant: 'tenant-b', subnet: '10.32.1.0/24', attach: 'proxy' },
      { count: 5 },
    );
    expect(job).toMatchObject({ ID: 'httpbackend-tenant-b', Meta: { tenant: 'tenant-b', netops_managed: 'true' } });
    const group = (job.TaskGroups as Array<Record<string, unknown>>)[0] as Record<string, unknown>;
    expect(group.Count).toBe(5);
    expect(group.ReschedulePolicy).toMatchObject({ DelayFunction: 'exponential', Unlimited: true });
    const task = (group.Tasks as Array<Record<string, unknown>>)[0] as Record<string, unknown>;
    expect(task.Env).toEqual({ WEAVE_CIDR: 'net:10.32.1.0/24', NETOPS_TENANT: 'tenant-b' });
    expect(task.Meta).toEqual({ tenant: 'tenant-b' });
    expect('RestartPolicy' in task).toBe(version !== '0.9.7');
    expect(overlayServices(job, 'tenant-b')).toEqual([
      expect.objectContaining({
        name: 'httpbackend-tenant-b',
        port: 8081,
        check: { type: 'http', path: '/', intervalMs: 5000, timeoutMs: 2000 },
      }),
    ]);
  });
});

describe('supported Nomad releases', () => {
  it('refuses releases older than 0.9 and unknown majors, naming the version read', () => {
    expect(() => checkNomadVersion('0.8.7', 'http://n:4646')).toThrow(
      expect.objectContaining({
        userMessage: expect.stringMatching(/reports version 0\.8\.7 .*older than 0\.9.*0\.9\.0 to 2\.x/),
      }),
    );
    expect(() => checkNomadVersion('3.0.0', 'http://n:4646')).toThrow(
      expect.objectContaining({ userMessage: expect.stringMatching(/version 3\.0\.0 .*major version 3/) }),
    );
    expect(() => checkNomadVersion(undefined, 'http://n:4646')).toThrow(
      expect.objectContaining({ userMessage: expect.stringMatching(/reports version \(none\)/) }),
    );
  });

  it('accepts releases between the tested profiles', () => {
    for (const v of ['0.9.0', '0.10.5', '1.5.3', '1.11.2', '2.0.0', '2.1.0-beta.1'])
      expect(checkNomadVersion(v, 'x')).toBe(v);
  });
});

describe('nodeAddressOf', () => {
  it('takes the host part of HTTPAddr as Node.Stub does, else the fingerprinted address', () => {
    expect(nodeAddressOf({ HTTPAddr: '192.168.56.11:4646' })).toBe('192.168.56.11');
    expect(nodeAddressOf({ HTTPAddr: '[fd00::11]:4646' })).toBe('fd00::11');
    expect(nodeAddressOf({ HTTPAddr: '', Attributes: { 'unique.network.ip-address': '10.0.0.5' } })).toBe('10.0.0.5');
    expect(nodeAddressOf({})).toBeUndefined();
  });
});

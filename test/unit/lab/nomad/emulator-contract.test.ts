import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createSilentLogger } from '../../../../src/logging.js';
import { describeShapeDifferences } from '../../../helpers/json-shape.js';
import { waitFor } from '../../../helpers/wait-for.js';
import { createNomadServer } from '../../../lab/nomad/nomad-server.js';
import { NOMAD_PROFILES, selectNomadProfile } from '../../../lab/nomad/version-profiles.js';
import { fakeDocker, jobWith } from './emulator-fixtures.js';

// biome-ignore lint/suspicious/noExplicitAny: API JSON is walked loosely here
type Json = any;

const fixture = (version: string, name: string): Json =>
  JSON.parse(readFileSync(new URL(`../../../fixtures/nomad/${version}/${name}`, import.meta.url), 'utf8'));

const job = jobWith();

/** The emulators poll every 100 ms; ten seconds is a hang, not a slow answer. */
const POLL = { timeoutMs: 10_000, intervalMs: 100 };

const shape = {
  dynamicKeys: ['TaskStates', 'TaskGroups', 'DesiredTGUpdates', 'QueuedAllocations'],
  skip: ['[0].TaskStates.*.Events'],
};

/** The job copy is recorded only in the fields the bot reads; resources by their recorded layout. */
const allocationShape = {
  dynamicKeys: [...shape.dynamicKeys, 'Tasks', 'TaskResources'],
  partial: ['Job', 'Job.TaskGroups[0]'],
  skip: ['TaskStates.*.Events'],
};
/** Resources are illustrations (their nested structs differ by release and are not read by the bot). */
const nodeShape = {
  dynamicKeys: ['Drivers'],
  partial: ['Attributes', 'Drivers.*.Attributes'],
  skip: ['NodeResources', 'ReservedResources', 'Resources', 'Reserved', 'Events'],
};

/**
 * The emulated server of each profile answers with the fields and JSON types of that release's structs, as the
 * contract fixtures record them (test/fixtures/nomad/<version>/), and with its register/deregister semantics.
 */
describe.each(NOMAD_PROFILES.map((p) => p.version))('emulated Nomad %s against its contract fixtures', (version) => {
  it('answers agent self, nodes, register, evaluation, deployment, allocations, plan and deregister in shape', async () => {
    const nomad = createNomadServer({
      hosts: [{ host: 'u1', nodeName: 'u1.lab.internal', address: '127.0.0.1' }],
      profile: selectNomadProfile(version),
      runOnHost: fakeDocker,
      logger: createSilentLogger(),
      consulPort: 1,
      nodeMemoryMB: 1024,
      pollIntervalMs: 100,
    });
    await new Promise<void>((r) => nomad.server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(nomad.server.address() as AddressInfo).port}/v1`;
    const get = async (path: string) => (await fetch(`${base}${path}`)).json() as Promise<Json>;
    const post = async (path: string, body: unknown) =>
      (await fetch(`${base}${path}`, { method: 'POST', body: JSON.stringify(body) })).json() as Promise<Json>;
    try {
      const self = await get('/agent/self');
      expect(
        describeShapeDifferences(self, fixture(version, 'agent-self.json'), { partial: ['config', 'stats.nomad'] }),
      ).toEqual([]);
      expect(self.config.Version.Version).toBe(version);
      expect(self.member.Tags.build).toBe(version);
      expect(describeShapeDifferences(await get('/nodes'), fixture(version, 'nodes.json'))).toEqual([]);

      const registered = await post('/job/web', { Job: job });
      expect(describeShapeDifferences(registered, fixture(version, 'register.json'))).toEqual([]);
      const evaluation = await waitFor(
        async () => {
          const e = await get(`/evaluation/${registered.EvalID}`);
          return e.Status === 'complete' ? e : undefined;
        },
        'the evaluation complete',
        POLL.timeoutMs,
        POLL,
      );
      expect(describeShapeDifferences(evaluation, fixture(version, 'evaluation.json'), shape)).toEqual([]);
      const deployment = await waitFor(
        async () => {
          const d = await get('/job/web/deployment');
          return d?.Status === 'successful' ? d : undefined;
        },
        'the deployment successful',
        POLL.timeoutMs,
        POLL,
      );
      expect(describeShapeDifferences(deployment, fixture(version, 'deployment.json'), shape)).toEqual([]);
      expect(evaluation.DeploymentID).toBe(deployment.ID);
      const allocs = await get('/job/web/allocations');
      expect(describeShapeDifferences(allocs, fixture(version, 'job-allocations.json'), shape)).toEqual([]);
      // The single allocation is structs.Allocation (job copy, resources), not the list stub.
      const single = await get(`/allocation/${allocs[0].ID}`);
      expect(describeShapeDifferences(single, fixture(version, 'allocation.json'), allocationShape)).toEqual([]);
      expect(single.JobVersion).toBeUndefined();
      // The node detail is structs.Node: HTTPAddr and Attributes, no Address (only the list stub computes it).
      const node = await get(`/node/${allocs[0].NodeID}`);
      expect(describeShapeDifferences(node, fixture(version, 'node.json'), nodeShape)).toEqual([]);
      expect(node.Address).toBeUndefined();
      expect('NodePool' in node).toBe(version !== '0.9.7');

      const stored = await get('/job/web');
      const plan = await post('/job/web/plan', { Job: job, Diff: true });
      expect(describeShapeDifferences(plan, fixture(version, 'plan-unchanged.json'), shape)).toEqual([]);
      expect(plan.Diff.Type).toBe('None');
      // An unchanged register: JobModifyIndex as the release answers it, and no new deployment.
      const again = await post('/job/web', { Job: job });
      const profile = selectNomadProfile(version);
      const current = await get('/job/web');
      expect(again.JobModifyIndex).toBe(current[profile.unchangedRegisterIndex]);
      expect(current.JobModifyIndex).toBe(stored.JobModifyIndex);
      if (profile.unchangedRegisterIndex === 'ModifyIndex')
        expect(again.JobModifyIndex).not.toBe(deployment.JobSpecModifyIndex);
      const next = await waitFor(
        async () => {
          const e = await get(`/evaluation/${again.EvalID}`);
          return e.Status === 'complete' ? e : undefined;
        },
        "the unchanged register's evaluation complete",
        POLL.timeoutMs,
        POLL,
      );
      expect(next.DeploymentID).toBe(deployment.ID);
      expect((await get('/job/web/deployments')).length).toBe(1);

      const unknown = await fetch(`${base}/job/nope`, { method: 'DELETE' });
      const body = await unknown.json();
      const expected = fixture(version, 'deregister-unknown-job.json');
      expect(describeShapeDifferences(body, expected)).toEqual([]);
      expect(body.EvalID === '').toBe(expected.EvalID === '');
      for (const status of [deployment.Status]) expect(profile.statuses.deployment).toContain(status);
      for (const a of allocs) expect(profile.statuses.allocClient).toContain(a.ClientStatus);
    } finally {
      await nomad.close();
    }
  }, 30_000);
});

describe.each(NOMAD_PROFILES.map((p) => p.version))('emulated Nomad %s eval broker', (version) => {
  it('serializes evaluations per job and cancels superseded pending ones where the release does', async () => {
    const nomad = createNomadServer({
      hosts: [{ host: 'u1', nodeName: 'u1.lab.internal', address: '127.0.0.1' }],
      profile: selectNomadProfile(version),
      runOnHost: fakeDocker,
      logger: createSilentLogger(),
      consulPort: 1,
      nodeMemoryMB: 1024,
      pollIntervalMs: 100,
      evalDelayMs: 200,
    });
    await new Promise<void>((r) => nomad.server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(nomad.server.address() as AddressInfo).port}/v1`;
    const get = async (path: string) => (await fetch(`${base}${path}`)).json() as Promise<Json>;
    const register = async () =>
      (await fetch(`${base}/job/web`, { method: 'POST', body: JSON.stringify({ Job: job }) })).json() as Promise<Json>;
    try {
      const first = await register();
      const second = await register();
      const third = await register();
      const settled = async (id: string) =>
        waitFor(
          async () => {
            const e = await get(`/evaluation/${id}`);
            return e.Status === 'pending' ? undefined : e;
          },
          `evaluation ${id} settled`,
          POLL.timeoutMs,
          POLL,
        );
      const [a, b, c] = [await settled(first.EvalID), await settled(second.EvalID), await settled(third.EvalID)];
      expect(a.Status).toBe('complete');
      expect(c.Status).toBe('complete');
      if (selectNomadProfile(version).cancelsSupersededEvals) {
        expect(b).toMatchObject({
          Status: 'canceled',
          StatusDescription: 'canceled after more recent eval was processed',
        });
      } else {
        expect(b.Status).toBe('complete');
      }
    } finally {
      await nomad.close();
    }
  }, 30_000);
});

const httpbackendHcl = readFileSync(new URL('../../../../jobs/httpbackend.nomad.hcl', import.meta.url), 'utf8');
/** api.Service and api.ServiceCheck are recorded in the fields the bot reads (their canonicalization is not modelled). */
const parseShape = {
  partial: ['TaskGroups[0].Tasks[0].Services[0]', 'TaskGroups[0].Tasks[0].Services[0].Checks[0]'],
};

describe.each(NOMAD_PROFILES.map((p) => p.version))('emulated Nomad %s /v1/jobs/parse', (version) => {
  it('answers the canonicalized api.Job of the release field by field', async () => {
    const nomad = createNomadServer({
      hosts: [{ host: 'u1', nodeName: 'u1.lab.internal', address: '127.0.0.1' }],
      profile: selectNomadProfile(version),
      runOnHost: fakeDocker,
      logger: createSilentLogger(),
      consulPort: 1,
      nodeMemoryMB: 1024,
      pollIntervalMs: 100,
    });
    await new Promise<void>((r) => nomad.server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(nomad.server.address() as AddressInfo).port}/v1`;
    try {
      const res = await fetch(`${base}/jobs/parse`, {
        method: 'POST',
        body: JSON.stringify({ JobHCL: httpbackendHcl, Canonicalize: true }),
      });
      expect(res.status).toBe(200);
      // Written without setIndex (command/agent/job_endpoint.go JobsParseRequest).
      expect(res.headers.get('x-nomad-index')).toBeNull();
      const parsed = await res.json();
      const expected = fixture(version, 'parse-canonical.json');
      expect(describeShapeDifferences(parsed, expected, parseShape)).toEqual([]);
      // Beyond the shape: the values Canonicalize fills and the spec sets, outside the services.
      const { Services: _s, ...task } = parsed.TaskGroups[0].Tasks[0];
      const { Services: _e, ...expectedTask } = expected.TaskGroups[0].Tasks[0];
      expect(task).toEqual(expectedTask);
      expect({ ...parsed.TaskGroups[0], Tasks: [] }).toEqual({ ...expected.TaskGroups[0], Tasks: [] });
      expect({ ...parsed, TaskGroups: [] }).toEqual({ ...expected, TaskGroups: [] });
      expect(parsed.TaskGroups[0].Tasks[0].Services[0]).toMatchObject(expected.TaskGroups[0].Tasks[0].Services[0]);
    } finally {
      await nomad.close();
    }
  });
});

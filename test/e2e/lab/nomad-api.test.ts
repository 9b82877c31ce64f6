import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/wait-for.js';
import { runOnHost } from '../../lab/host-exec.js';
import { downLab } from '../../lab/lab-down.js';
import { gateLabSuite } from '../../lab/lab-gate.js';
import { checkLabSupport, LAB_LOCK_WAIT_MS } from '../../lab/lab-support.js';
import { upLab } from '../../lab/lab-up.js';
import { LAB_HOSTS, type LabHost } from '../../lab/topology.js';
import { API_POLL, callApi, startLabApis, stopLabApis } from './lab-api-helpers.js';

const support = await checkLabSupport();
const skipLab = gateLabSuite(support, 'lab Nomad API');

const nomad = 'http://192.168.56.1:4646';
const consulU1 = 'http://192.168.56.11:8500';
const articleHcl = readFileSync(new URL('../../fixtures/nomad/article-job.nomad.hcl', import.meta.url), 'utf8');

// biome-ignore lint/suspicious/noExplicitAny: the tests walk loosely typed API JSON; `any` keeps assertions readable
type Json = Record<string, any>;

async function parseJob(hcl: string): Promise<Json> {
  const res = await callApi(`${nomad}/v1/jobs/parse`, { method: 'POST', body: { JobHCL: hcl, Canonicalize: true } });
  expect(res.status, res.text).toBe(200);
  return res.json<Json>();
}

/** A small job from the article's shape with another name, image and count. */
function smallJobHcl(name: string, image: string, count: number, memoryMB = 64): string {
  return `job "${name}" {
  datacenters = ["dc1"]
  update {
    min_healthy_time = "1s"
  }
  group "${name}" {
    count = ${count}
    task "${name}" {
      driver = "docker"
      config {
        image = "${image}"
      }
      resources {
        memory = ${memoryMB}
      }
    }
  }
}`;
}

async function register(job: Json, extra: Json = {}) {
  return callApi(`${nomad}/v1/job/${job.ID}`, { method: 'POST', body: { Job: job, ...extra } });
}

/** Blocks on the evaluation until it leaves `pending`. */
async function waitEval(evalId: string): Promise<Json> {
  return waitFor(
    async () => {
      const res = await callApi(`${nomad}/v1/evaluation/${evalId}?index=1&wait=5s`);
      const evaluation = res.json<Json>();
      return evaluation.Status === 'pending' ? undefined : evaluation;
    },
    `eval ${evalId}`,
    30_000,
    API_POLL,
  );
}

/** Blocks on the job's latest deployment until it is terminal. */
async function waitDeployment(jobId: string, timeoutMs = 40_000): Promise<Json> {
  let index = '1';
  return waitFor(
    async () => {
      const res = await callApi(`${nomad}/v1/job/${jobId}/deployment?index=${index}&wait=10s`);
      index = res.index ?? index;
      const deployment = res.json<Json | null>();
      return deployment && deployment.Status !== 'running' ? deployment : undefined;
    },
    `deployment of ${jobId}`,
    timeoutMs,
    API_POLL,
  );
}

describe.skipIf(skipLab)('lab Nomad API', { timeout: 60_000 }, () => {
  // Other test processes may hold the lab for minutes: wait for the lock as long as every lab suite does.
  beforeAll(async () => {
    await upLab({ withoutEmulators: true });
    await startLabApis();
  }, LAB_LOCK_WAIT_MS + 60_000);
  afterAll(async () => {
    await stopLabApis();
    await downLab();
  }, LAB_LOCK_WAIT_MS);

  it('parses, registers and runs the article job; Consul gets the HOST address (the bug)', async () => {
    const job = await parseJob(articleHcl);
    expect(job.TaskGroups[0].Tasks[0].Env).toEqual({ WEAVE_CIDR: 'net:10.32.0.0/24' });
    const reg = await register(job, { EnforceIndex: true, JobModifyIndex: 0 });
    expect(reg.status, reg.text).toBe(200);
    const body = reg.json<Json>();
    expect(body).toMatchObject({ Warnings: '', KnownLeader: false, LastContact: 0 });
    expect(reg.index).toBe(String(body.JobModifyIndex));

    const evaluation = await waitEval(body.EvalID);
    expect(evaluation).toMatchObject({ Status: 'complete', TriggeredBy: 'job-register', FailedTGAllocs: null });
    const deployment = await waitDeployment('httpbackend');
    expect(deployment).toMatchObject({
      Status: 'successful',
      StatusDescription: 'Deployment completed successfully',
      JobSpecModifyIndex: body.JobModifyIndex,
    });
    expect(deployment.TaskGroups.httpbackend).toMatchObject({ DesiredTotal: 2, PlacedAllocs: 2, HealthyAllocs: 2 });

    const allocs = (await callApi(`${nomad}/v1/job/httpbackend/allocations`)).json<Json[]>();
    expect(allocs).toHaveLength(2);
    expect(new Set(allocs.map((a) => a.NodeName)).size).toBe(2);
    for (const stub of allocs) {
      expect(stub).toMatchObject({
        ClientStatus: 'running',
        DesiredStatus: 'run',
        DeploymentStatus: { Healthy: true },
      });
      expect(stub.AllocatedResources).toBeUndefined();
      // Node names are the hosts' FQDNs (u1.lab.internal), as real nodes carry their hostname.
      const ps = await runOnHost(String(stub.NodeName).split('.')[0] as LabHost, [
        'docker',
        'ps',
        '--filter',
        `label=com.hashicorp.nomad.alloc_id=${stub.ID}`,
        '--format',
        '{{.Names}}',
      ]);
      expect(ps.stdout.trim()).toBe(`httpbackend-${stub.ID}`);
      const alloc = (await callApi(`${nomad}/v1/allocation/${stub.ID}`)).json<Json>();
      expect(alloc.NetworkStatus).toBeNull();
      expect(alloc.AllocatedResources.Shared.Networks[0]).toMatchObject({
        IP: `192.168.56.1${String(alloc.NodeName).slice(1, 2)}`,
        ReservedPorts: [{ Label: 'http', Value: 8081 }],
      });
      expect(alloc.TaskStates.httpbackend.Events.map((e: Json) => e.Type)).toEqual([
        'Received',
        'Task Setup',
        'Driver',
        'Started',
      ]);
    }

    const catalog = (await callApi(`${consulU1}/v1/catalog/service/httpbackend`)).json<Json[]>();
    expect(catalog).toHaveLength(2);
    for (const entry of catalog) {
      expect(entry.ServiceID).toMatch(/^_nomad-task-[0-9a-f-]{36}-httpbackend-httpbackend-http$/);
      expect(entry.ServiceAddress).toBe(entry.Address);
      expect(entry.ServiceAddress).toMatch(/^192\.168\.56\.1[123]$/);
      expect(entry.ServiceAddress).not.toMatch(/^10\.32\./);
      expect(entry.ServicePort).toBe(8081);
    }
  });

  it('registers the docker-bridge address for address_mode = "driver" in proxy mode', async () => {
    const hcl = articleHcl
      .replace('job "httpbackend"', 'job "drivermode"')
      .replace('name = "httpbackend"', 'name = "drivermode"\n        address_mode = "driver"')
      .replace('static = 8081', 'static = 9081');
    const job = await parseJob(hcl);
    const reg = await register(job);
    expect(reg.status, reg.text).toBe(200);
    const entries = await waitFor(
      async () => {
        const list = (await callApi(`${consulU1}/v1/catalog/service/drivermode`)).json<Json[]>();
        return list.length === 2 ? list : undefined;
      },
      'drivermode in consul',
      30_000,
      API_POLL,
    );
    for (const entry of entries) {
      expect(entry.ServiceAddress).toMatch(/^172\.17\./);
      expect(entry.ServicePort).toBe(8081);
    }
    expect((await callApi(`${nomad}/v1/job/drivermode?purge=true`, { method: 'DELETE' })).status).toBe(200);
  });

  it('enforces the job modify index with Nomad texts', async () => {
    const job = (await callApi(`${nomad}/v1/job/httpbackend`)).json<Json>();
    const current = job.JobModifyIndex as number;
    const create = await register(job, { EnforceIndex: true, JobModifyIndex: 0 });
    expect([create.status, create.text]).toEqual([500, 'Enforcing job modify index 0: job already exists']);
    const stale = await register(job, { EnforceIndex: true, JobModifyIndex: current - 1 });
    expect([stale.status, stale.text]).toEqual([
      500,
      `Enforcing job modify index ${current - 1}: job exists with conflicting job modify index: ${current}`,
    ]);
    const missing = await register(
      { ...job, ID: 'nosuchjob', Name: 'nosuchjob' },
      { EnforceIndex: true, JobModifyIndex: 7 },
    );
    expect([missing.status, missing.text]).toEqual([500, 'Enforcing job modify index 7: job does not exist']);
    const plan = await callApi(`${nomad}/v1/job/httpbackend/plan`, { method: 'POST', body: { Job: job, Diff: true } });
    expect(plan.json<Json>()).toMatchObject({
      JobModifyIndex: current,
      Diff: { Type: 'None', TaskGroups: [{ Name: 'httpbackend', Updates: { ignore: 2 } }] },
      FailedTGAllocs: null,
    });
  });

  it('answers errors with Nomad status codes and plain-text bodies', async () => {
    const cases: [string, Json, number, string | RegExp][] = [
      [`${nomad}/v1/job/nope`, {}, 404, 'job not found'],
      [`${nomad}/v1/evaluation/nope`, {}, 404, 'eval not found'],
      [`${nomad}/v1/allocation/nope`, {}, 404, 'alloc not found'],
      [`${nomad}/v1/job/httpbackend?index=1&wait=never`, {}, 400, 'Invalid wait time'],
      [`${nomad}/v1/nodes?index=x`, {}, 400, 'Invalid index'],
      [`${nomad}/v1/nodes`, { method: 'DELETE' }, 405, 'Invalid method'],
      [`${nomad}/v1/jobs/parse`, { method: 'POST', body: { JobHCL: '' } }, 400, 'Job spec is empty'],
      [`${nomad}/v1/jobs/parse`, { method: 'POST', body: { JobHCL: 'job "x" {' } }, 400, /^Failed to parse job: /],
      [`${nomad}/v1/job/other`, { method: 'POST', body: { Job: { ID: 'x' } } }, 400, 'Job ID does not match name'],
      [`${nomad}/v1/jobs`, { method: 'POST', body: {} }, 400, 'Job must be specified'],
      [`${nomad}/v1/job/httpbackend?namespace=prod`, {}, 404, 'job not found'],
    ];
    for (const [url, init, status, text] of cases) {
      const res = await callApi(url, init);
      expect(res.status, url).toBe(status);
      if (typeof text === 'string') expect(res.text).toBe(text);
      else expect(res.text).toMatch(text);
    }
    const invalid = await parseJob(smallJobHcl('invalid', 'busybox', 1));
    invalid.TaskGroups[0].Count = -1;
    const res = await register(invalid);
    expect(res.status).toBe(500);
    expect(res.text).toMatch(
      /^1 error occurred:\n\t\* Task group invalid validation failed: .*count can't be negative/s,
    );
  });

  it('blocks reads until the index moves or the wait ends', async () => {
    // The index is global, so background activity (health checks, other jobs) may legitimately wake a
    // query early; then it must carry a higher index. One quiet round must block for the whole wait.
    let blockedForWait = false;
    for (let attempt = 0; attempt < 5 && !blockedForWait; attempt++) {
      const first = await callApi(`${nomad}/v1/job/httpbackend`);
      const started = Date.now();
      const again = await callApi(`${nomad}/v1/job/httpbackend?index=${first.index}&wait=1s`);
      if (Date.now() - started >= 950) {
        expect(again.index).toBe(first.index);
        blockedForWait = true;
      } else {
        expect(Number(again.index)).toBeGreaterThan(Number(first.index));
      }
    }
    expect(blockedForWait).toBe(true);
  });

  it('reports a placement failure for a count that does not fit and still runs what fits', async () => {
    const job = await parseJob(smallJobHcl('huge', 'busybox', 8, 512));
    const reg = (await register(job)).json<Json>();
    const evaluation = await waitEval(reg.EvalID);
    expect(evaluation.Status).toBe('complete');
    const metric = evaluation.FailedTGAllocs.huge;
    expect(metric).toMatchObject({ NodesEvaluated: 3, NodesExhausted: 3, DimensionExhausted: { memory: 3 } });
    expect(evaluation.QueuedAllocations.huge).toBeGreaterThan(0);
    const blocked = (await callApi(`${nomad}/v1/evaluation/${evaluation.BlockedEval}`)).json<Json>();
    expect(blocked).toMatchObject({ Status: 'blocked', PreviousEval: evaluation.ID });
    const allocs = (await callApi(`${nomad}/v1/job/huge/allocations`)).json<Json[]>();
    expect(allocs.length).toBe(8 - evaluation.QueuedAllocations.huge);
    expect(allocs.length).toBeGreaterThan(0);
    const stop = await callApi(`${nomad}/v1/job/huge?purge=true`, { method: 'DELETE' });
    // JobDeregisterResponse of the default profile (2.0.6): volume eval fields and QueryMeta included.
    expect(Object.keys(stop.json<Json>())).toEqual([
      'EvalID',
      'EvalCreateIndex',
      'JobModifyIndex',
      'VolumeEvalID',
      'VolumeEvalIndex',
      'Index',
      'LastContact',
      'KnownLeader',
      'NextToken',
    ]);
  });

  // The task runs three times (the first start and the service default's 2 restarts, api/tasks.go
  // defaultServiceJobRestartPolicy) before the deployment fails; each start is a real container run on a lab
  // host, which took over 40 s in all on a loaded CI machine, so this test waits longer than the others.
  it('fails the deployment when the task exits, with task events', { timeout: 150_000 }, async () => {
    const job = await parseJob(smallJobHcl('crasher', 'bigwhite/httpbackendservice:crash', 1));
    const reg = (await register(job)).json<Json>();
    await waitEval(reg.EvalID);
    const deployment = await waitDeployment('crasher', 120_000);
    expect(deployment).toMatchObject({ Status: 'failed', StatusDescription: 'Failed due to unhealthy allocations' });
    const [stub] = (await callApi(`${nomad}/v1/deployment/allocations/${deployment.ID}`)).json<Json[]>();
    if (!stub) throw new Error('no allocation in the deployment');
    const alloc = (await callApi(`${nomad}/v1/allocation/${stub.ID}`)).json<Json>();
    expect(alloc.ClientStatus).toBe('failed');
    const state = alloc.TaskStates.crasher;
    // No restart block: the service default applies, 2 attempts (api/tasks.go defaultServiceJobRestartPolicy),
    // which the canonical parse answer carries; after them the task is not restarted (mode "fail").
    expect(state).toMatchObject({ State: 'dead', Failed: true, Restarts: 2 });
    const events = state.Events.map((e: Json) => [e.Type, e.DisplayMessage]);
    expect(events).toContainEqual(['Terminated', 'Exit Code: 1']);
    expect(events.at(-1)[0]).toBe('Not Restarting');
  });

  it('reports a driver failure for an unknown image', async () => {
    const job = await parseJob(smallJobHcl('noimage', 'no/such-image', 1));
    const reg = (await register(job)).json<Json>();
    await waitEval(reg.EvalID);
    const deployment = await waitDeployment('noimage');
    expect(deployment.Status).toBe('failed');
    const [stub] = (await callApi(`${nomad}/v1/job/noimage/allocations`)).json<Json[]>();
    if (!stub) throw new Error('no allocation');
    const failure = stub.TaskStates.noimage.Events.find((e: Json) => e.Type === 'Driver Failure');
    expect(failure.DriverError).toMatch(/pull access denied for no\/such-image/);
  });

  it('re-registering a changed job replaces allocations and cancels the old deployment', async () => {
    const job = (await callApi(`${nomad}/v1/job/httpbackend`)).json<Json>();
    const old = (await callApi(`${nomad}/v1/job/httpbackend/deployment`)).json<Json>();
    job.TaskGroups[0].Tasks[0].Env.EXTRA = '1';
    const plan = (
      await callApi(`${nomad}/v1/job/httpbackend/plan`, { method: 'POST', body: { Job: job, Diff: true } })
    ).json<Json>();
    expect(plan.Diff.TaskGroups[0]).toMatchObject({ Type: 'Edited', Updates: { 'create/destroy update': 2 } });
    const reg = (await register(job, { EnforceIndex: true, JobModifyIndex: job.JobModifyIndex })).json<Json>();
    await waitEval(reg.EvalID);
    const deployment = await waitDeployment('httpbackend');
    expect(deployment.ID).not.toBe(old.ID);
    expect(deployment).toMatchObject({ Status: 'successful', JobVersion: 1 });
    const allocs = (await callApi(`${nomad}/v1/job/httpbackend/allocations`)).json<Json[]>();
    expect(allocs.filter((a) => a.ClientStatus === 'running').map((a) => a.JobVersion)).toEqual([1, 1]);
    expect(allocs.filter((a) => a.JobVersion === 0).every((a) => a.DesiredStatus === 'stop')).toBe(true);
  });

  it('stopping a job removes its containers and Nomad services', async () => {
    const res = await callApi(`${nomad}/v1/job/httpbackend`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    await waitFor(
      async () => {
        const list = (await callApi(`${consulU1}/v1/catalog/service/httpbackend`)).json<Json[]>();
        return list.length === 0 ? true : undefined;
      },
      'httpbackend gone from consul',
      30_000,
      API_POLL,
    );
    // Nomad deregisters the services first, then kills the tasks (client/allocrunner: services are removed
    // before the task's kill, then shutdown_delay): the containers go a moment after the Consul entries.
    for (const host of LAB_HOSTS) {
      await waitFor(
        async () => {
          const ps = await runOnHost(host, [
            'docker',
            'ps',
            '-a',
            '--filter',
            'name=httpbackend-',
            '--format',
            '{{.Names}}',
          ]);
          return ps.stdout.trim() === '' ? true : undefined;
        },
        `httpbackend containers gone on ${host}`,
        30_000,
        API_POLL,
      );
    }
    const job = (await callApi(`${nomad}/v1/job/httpbackend`)).json<Json>();
    expect(job).toMatchObject({ Stop: true, Status: 'dead' });
    const deployment = (await callApi(`${nomad}/v1/job/httpbackend/deployment`)).json<Json>();
    expect(deployment.Status).toBe('successful');
  });
});

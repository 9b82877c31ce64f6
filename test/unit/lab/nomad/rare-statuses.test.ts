import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createNomadClient } from '../../../../src/clients/nomad/client.js';
import { createSilentLogger } from '../../../../src/logging.js';
import { findDeployment, followDeployment } from '../../../../src/net/deploy/follow-deployment.js';
import { followEvaluation } from '../../../../src/net/deploy/follow-evaluation.js';
import { createNomadServer, type NomadServer } from '../../../lab/nomad/nomad-server.js';
import { selectNomadProfile } from '../../../lab/nomad/version-profiles.js';
import { fakeDocker, jobWith } from './emulator-fixtures.js';

let nomad: NomadServer | undefined;
afterEach(async () => {
  await nomad?.close();
  nomad = undefined;
});

async function start(version: string, pollIntervalMs = 100, multiregionDeployments = false) {
  nomad = createNomadServer({
    multiregionDeployments,
    hosts: [{ host: 'u1', nodeName: 'u1.lab.internal', address: '127.0.0.1' }],
    profile: selectNomadProfile(version),
    runOnHost: fakeDocker,
    logger: createSilentLogger(),
    consulPort: 1,
    nodeMemoryMB: 1024,
    pollIntervalMs,
  });
  await new Promise<void>((r) => nomad?.server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(nomad.server.address() as AddressInfo).port}`;
  const client = createNomadClient({ address: url, timeoutMs: 5_000, logger: createSilentLogger() });
  return { server: nomad, client };
}

const signal = new AbortController().signal;

describe('deployments that start initializing (multiregion, 1.5+)', () => {
  it.each([
    ['2.0.6', ['initializing', 'pending', 'running', 'successful']],
    ['1.11.1', ['initializing', 'pending', 'running', 'successful']],
  ])('on %s the bot follows them through to successful', async (version, expected) => {
    // A second a step, so the bot's blocking reads see each status.
    const { client } = await start(version, 1_000, true);
    const reg = await client.registerJob(jobWith() as never);
    const evaluation = await followEvaluation(client, reg.EvalID, { signal, pacing: { minIntervalMs: 20 } });
    const job = await client.readJob('web');
    const first = await findDeployment(client, 'web', job, evaluation, { signal });
    const seen = new Set<string>([first.Status]);
    const done = await followDeployment(client, first, {
      signal,
      waitMs: 2_000,
      timeoutMs: 20_000,
      pacing: { minIntervalMs: 20 },
      onProgress: (_p, d) => {
        seen.add(d.Status);
      },
    });
    expect(done.Status).toBe('successful');
    // Every status seen is one the release defines, in order, and none was taken for an end.
    expect([...seen].every((s) => expected.includes(s))).toBe(true);
    expect(seen.has('pending') || seen.has('initializing')).toBe(true);
  });

  it('is refused for a release without the status (before 1.5), and off by default', async () => {
    await expect(start('0.9.7', 100, true)).rejects.toThrow(/0\.9\.7 has no initializing deployments/);
    const { client } = await start('2.0.6');
    const reg = await client.registerJob(jobWith() as never);
    const evaluation = await followEvaluation(client, reg.EvalID, { signal, pacing: { minIntervalMs: 20 } });
    const first = await findDeployment(client, 'web', await client.readJob('web'), evaluation, { signal });
    // Open-source Nomad creates deployments running (HEAD nomad/structs/deployment.go:134 NewDeployment).
    expect(['running', 'successful']).toContain(first.Status);
  });
});

describe('allocations of a disconnected node', () => {
  it.each([
    ['2.0.6', { MaxClientDisconnect: 60e9 }, 'unknown'],
    ['2.0.6', { Disconnect: { LostAfter: 60e9 } }, 'unknown'],
    ['2.0.6', {}, 'lost'],
    ['0.9.7', { MaxClientDisconnect: 60e9 }, 'lost'],
  ])('on %s with group %j are %s', async (version, group, expected) => {
    const { server, client } = await start(version);
    await client.registerJob(jobWith(group) as never);
    for (let i = 0; i < 100 && ![...server.state.allocs.values()].some((a) => a.ClientStatus === 'running'); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const node = server.state.nodes[0]?.ID as string;
    expect(server.disconnectNode(node)).toBe(1);
    const { value } = await client.listJobAllocations('web');
    expect(value.map((a) => a.ClientStatus)).toEqual([expected]);
    expect(server.state.allocs.size).toBe(1);
  });
});

describe('replacing a failed allocation of a spec that already ran', () => {
  it('creates no new deployment (reconcile: hadRunning && !updatingSpec), unlike a first run', async () => {
    let runs = 0;
    // The second docker run of the job fails, as a driver failure on one of several placements would.
    const docker = async (host: string, argv: string[]) => {
      if (argv.includes('run') && ++runs === 2) return { code: 125, stdout: '', stderr: 'driver failure' };
      return fakeDocker(host, argv);
    };
    nomad = createNomadServer({
      hosts: [{ host: 'u1', nodeName: 'u1.lab.internal', address: '127.0.0.1' }],
      profile: selectNomadProfile('2.0.6'),
      runOnHost: docker,
      logger: createSilentLogger(),
      consulPort: 1,
      nodeMemoryMB: 1024,
      pollIntervalMs: 100,
    });
    await new Promise<void>((r) => nomad?.server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(nomad.server.address() as AddressInfo).port}`;
    const client = createNomadClient({ address: url, timeoutMs: 5_000, logger: createSilentLogger() });
    const first = await client.registerJob(jobWith({ Count: 2 }) as never);
    await followEvaluation(client, first.EvalID, { signal, pacing: { minIntervalMs: 20 } });
    const deployments = async () => (await fetch(`${url}/v1/job/web/deployments`)).json() as Promise<unknown[]>;
    expect(await deployments()).toHaveLength(1);
    for (let i = 0; i < 100 && ![...nomad.state.allocs.values()].some((a) => a.ClientStatus === 'failed'); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    // The same spec again: the failed allocation is replaced, no deployment is opened for it.
    const again = await client.registerJob(jobWith({ Count: 2 }) as never);
    await followEvaluation(client, again.EvalID, { signal, pacing: { minIntervalMs: 20 } });
    const allocs = [...nomad.state.allocs.values()];
    expect(allocs.filter((a) => a.ClientStatus !== 'failed')).toHaveLength(2);
    expect(await deployments()).toHaveLength(1);
    expect(allocs.at(-1)?.DeploymentID).toBe('');
  });
});

import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createSilentLogger } from '../../../../src/logging.js';
import { createNomadServer } from '../../../lab/nomad/nomad-server.js';
import { BOOT_INDEX } from '../../../lab/nomad/nomad-state.js';
import { selectNomadProfile } from '../../../lab/nomad/version-profiles.js';
import { fakeDocker, jobWith } from './emulator-fixtures.js';

const job = jobWith();

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function start(version = '2.0.6') {
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
  close = () => nomad.close();
  const base = `http://127.0.0.1:${(nomad.server.address() as AddressInfo).port}/v1`;
  const get = async (path: string) => {
    const res = await fetch(`${base}${path}`);
    return { status: res.status, index: res.headers.get('x-nomad-index'), text: await res.text() };
  };
  return { nomad, base, get };
}

describe('emulated Nomad X-Nomad-Index', () => {
  it('answers each table its own index: 0 for tables a new cluster never wrote, the boot index for nodes', async () => {
    const { get } = await start();
    expect((await get('/job/web/deployment')).index).toBe('0');
    expect((await get('/job/web/allocations')).index).toBe('0');
    expect((await get('/job/web/evaluations')).index).toBe('0');
    expect((await get('/jobs')).index).toBe('0');
    expect((await get('/nodes')).index).toBe(String(BOOT_INDEX));
    // A 404 after a read carries the table index; agent endpoints and parse carry none.
    const missing = await get('/job/web');
    expect([missing.status, missing.index]).toEqual([404, '0']);
    expect((await get('/agent/self')).index).toBeNull();
  });

  it('never sets the header on an RPC error, and a job read answers the job ModifyIndex', async () => {
    const { base, get } = await start();
    const wrongRegion = await get('/job/web?region=elsewhere');
    expect([wrongRegion.status, wrongRegion.text, wrongRegion.index]).toEqual([500, 'No path to region', null]);
    const reg = await fetch(`${base}/jobs`, { method: 'POST', body: JSON.stringify({ Job: job }) });
    expect(reg.status).toBe(200);
    const read = await get('/job/web');
    expect(Number(read.index)).toBe(JSON.parse(read.text).ModifyIndex);
    // The deployment table has not moved with the register itself.
    const jobIndex = Number(read.index);
    const deployment = await get('/job/web/deployment');
    expect(Number(deployment.index)).toBeLessThanOrEqual(jobIndex + 10);
    expect(Number((await get('/jobs')).index)).toBeGreaterThanOrEqual(jobIndex);
  });

  it('blocks on the table, not on the global index: other tables changing do not end the wait', async () => {
    const { nomad, base, get } = await start();
    const before = Number((await get('/nodes')).index);
    const started = Date.now();
    const waiting = get(`/nodes?index=${before}&wait=1500ms`);
    // Writes to other tables happen while the nodes query blocks.
    await fetch(`${base}/jobs`, { method: 'POST', body: JSON.stringify({ Job: job }) });
    const answer = await waiting;
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    expect(answer.index).toBe(String(before));
    expect(nomad.state.index.value).toBeGreaterThan(before);
  });

  it('wakes a query blocked on a deployment table of 0 when the first deployment is written', async () => {
    const { base, get } = await start();
    const waiting = get('/job/web/deployment?index=0&wait=5s');
    // index=0 takes the fast path (nomad/rpc.go:859): an answer at once with index 0.
    expect((await waiting).index).toBe('0');
    const blocked = get('/job/web/deployment?index=1&wait=20s');
    await fetch(`${base}/jobs`, { method: 'POST', body: JSON.stringify({ Job: job }) });
    const answer = await blocked;
    expect(Number(answer.index)).toBeGreaterThan(1);
    expect(JSON.parse(answer.text)?.JobID).toBe('web');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { createNomadClient } from '../../../../src/clients/nomad/client.js';
import { createSilentLogger } from '../../../../src/logging.js';
import { findDeployment, followDeployment } from '../../../../src/net/deploy/follow-deployment.js';
import { followEvaluation } from '../../../../src/net/deploy/follow-evaluation.js';
import { type HttpStub, startHttpStub } from '../../clients/http-stub.js';
import { deployment, evaluation } from '../../clients/nomad/fixtures.js';

/**
 * Issue 17 item 3: a Nomad whose X-Nomad-Index goes backwards, stays 0 or is missing answers every query at once
 * (it cannot block). Before the cursor, /deploy re-queried at once (~4,400 requests a second). Each loop is run
 * against a real HTTP stub for 3 s and the requests are counted: at most a few a second.
 */
let stub: HttpStub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

const windowMs = 3_000;
/** "A few requests a second": the minimum interval allows 4/s; with the back-off it stays well below. */
const maxRequests = 4 * (windowMs / 1000) + 1;

type IndexMode = 'backwards' | 'zero' | 'absent';
function indexHeader(mode: IndexMode, n: number): Record<string, string> {
  if (mode === 'absent') return {};
  if (mode === 'zero') return { 'X-Nomad-Index': '0' };
  return { 'X-Nomad-Index': String(Math.max(1, 1000 - n * 100)) };
}

async function run(mode: IndexMode, body: (n: number) => unknown) {
  let n = 0;
  stub = await startHttpStub(() => {
    n += 1;
    return { body: body(n), headers: indexHeader(mode, n) };
  });
  const nomad = createNomadClient({ address: stub.url, timeoutMs: 2_000, logger: createSilentLogger() });
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), windowMs);
  return { nomad, signal: controller.signal, stub, done: () => clearTimeout(timer) };
}

describe.each(['backwards', 'zero', 'absent'] as const)('blocking loops with an index that is %s', (mode) => {
  it('followDeployment sends at most a few requests a second and keeps following', async () => {
    const running = { ...deployment, Status: 'running' };
    const { nomad, signal, stub, done } = await run(mode, () => running);
    await followDeployment(nomad, running, { signal, timeoutMs: windowMs + 5_000 }).catch(() => undefined);
    done();
    expect(stub.requests.length).toBeGreaterThan(2);
    expect(stub.requests.length).toBeLessThanOrEqual(maxRequests);
    // A reset index is sent as 0 (a plain read), never the stale one.
    if (mode !== 'backwards') expect(stub.requests.every((r) => (r.query.get('index') ?? '0') === '0')).toBe(true);
    else expect(stub.requests.slice(2).some((r) => r.query.get('index') === '0')).toBe(true);
  });

  it('followEvaluation sends at most a few requests a second', async () => {
    const pending = { ...evaluation, Status: 'pending' };
    const { nomad, signal, stub, done } = await run(mode, () => pending);
    await followEvaluation(nomad, evaluation.ID, { signal, timeoutMs: windowMs + 5_000 }).catch(() => undefined);
    done();
    expect(stub.requests.length).toBeGreaterThan(2);
    expect(stub.requests.length).toBeLessThanOrEqual(maxRequests);
  });

  it('findDeployment sends at most a few requests a second while no deployment tracks the spec', async () => {
    const { nomad, signal, stub, done } = await run(mode, () => null);
    const job = { JobModifyIndex: 99_999, Version: 3 };
    await findDeployment(nomad, 'web', job, { DeploymentID: '' }, { signal, timeoutMs: windowMs + 5_000 }).catch(
      () => undefined,
    );
    done();
    expect(stub.requests.length).toBeGreaterThan(2);
    expect(stub.requests.length).toBeLessThanOrEqual(maxRequests);
  });
});

describe('blocking loops with a good index', () => {
  it('pass the index back and end when the deployment is done', async () => {
    let n = 0;
    stub = await startHttpStub(() => {
      n += 1;
      const status = n >= 3 ? 'successful' : 'running';
      return { body: { ...deployment, Status: status }, headers: { 'X-Nomad-Index': String(1200 + n) } };
    });
    const nomad = createNomadClient({ address: stub.url, timeoutMs: 2_000, logger: createSilentLogger() });
    const done = await followDeployment(
      nomad,
      { ...deployment, Status: 'running' },
      {
        signal: new AbortController().signal,
      },
    );
    expect(done.Status).toBe('successful');
    expect(stub.requests.map((r) => r.query.get('index'))).toEqual(['0', '1201', '1202']);
  });
});

import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSilentLogger } from '../../../../src/logging.js';
import { createNomadServer, type NomadServer } from '../../../lab/nomad/nomad-server.js';

// A real server on loopback; no job is registered, so the host runner is never reached.
describe('emulated Nomad ACL token and methods', () => {
  let nomad: NomadServer;
  let base = '';
  const hostCalls: string[][] = [];

  beforeAll(async () => {
    nomad = createNomadServer({
      hosts: [{ host: 'u1', nodeName: 'u1.lab.internal', address: '192.168.56.11' }],
      runOnHost: async (_host, argv) => {
        hostCalls.push(argv);
        return { code: 1, stdout: '', stderr: 'not in this test' };
      },
      logger: createSilentLogger(),
      consulPort: 1,
      aclToken: 's3cret-token',
      nodeMemoryMB: 1024,
    });
    await new Promise<void>((resolve) => nomad.server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(nomad.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await nomad.close();
  });

  it('refuses a missing or wrong token with 403 Permission denied and accepts the right one', async () => {
    const missing = await fetch(`${base}/v1/nodes`);
    expect([missing.status, await missing.text()]).toEqual([403, 'Permission denied']);
    const wrong = await fetch(`${base}/v1/nodes`, { headers: { 'X-Nomad-Token': 'nope' } });
    expect([wrong.status, await wrong.text()]).toEqual([403, 'ACL token not found']);
    const right = await fetch(`${base}/v1/nodes`, { headers: { 'X-Nomad-Token': 's3cret-token' } });
    expect(right.status).toBe(200);
    expect(right.headers.get('x-nomad-index')).toMatch(/^\d+$/);
    const bearer = await fetch(`${base}/v1/nodes`, { headers: { Authorization: 'Bearer s3cret-token' } });
    expect(((await bearer.json()) as { Name: string }[]).map((n) => n.Name)).toEqual(['u1.lab.internal']);
  });

  it('answers 405 Invalid method, and 400 for an undecodable body without crashing', async () => {
    const headers = { 'X-Nomad-Token': 's3cret-token' };
    const wrongMethod = await fetch(`${base}/v1/jobs/parse`, { method: 'GET', headers });
    expect([wrongMethod.status, await wrongMethod.text()]).toEqual([405, 'Invalid method']);
    const garbage = await fetch(`${base}/v1/jobs`, { method: 'POST', headers, body: '{not json' });
    expect(garbage.status).toBe(400);
    expect(garbage.headers.get('content-type')).toBe('text/plain');
    const stillUp = await fetch(`${base}/v1/job/x/deployment`, { headers });
    expect([stillUp.status, await stillUp.text()]).toEqual([200, 'null']);
    expect(hostCalls).toEqual([]);
  });
});

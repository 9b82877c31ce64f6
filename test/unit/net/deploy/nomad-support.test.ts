import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createNomadClient } from '../../../../src/clients/nomad/client.js';
import type { NetopsError } from '../../../../src/errors.js';
import { createSilentLogger } from '../../../../src/logging.js';
import { checkNomadCluster, checkNomadVersion, createNomadGate } from '../../../../src/net/deploy/nomad-support.js';
import { type HttpStub, type SeenRequest, startHttpStub } from '../../clients/http-stub.js';

const fixture = (version: string, name: string) =>
  JSON.parse(readFileSync(new URL(`../../../fixtures/nomad/${version}/${name}`, import.meta.url), 'utf8'));

let stub: HttpStub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

/**
 * A Nomad agent answering as the release `version` reports (agent self of the nearest recorded profile with the
 * version replaced), in region `region` with nodes in `dc1`; region-scoped reads with another `?region=` fail
 * as real Nomad does (500 "No path to region", HEAD nomad/rpc.go:700-731).
 */
async function nomadAt(version: string, region = 'global', profile = '2.0.6') {
  const self = fixture(profile, 'agent-self.json');
  self.config.Version.Version = version;
  const nodes = fixture(profile, 'nodes.json');
  stub = await startHttpStub((req: SeenRequest) => {
    if (req.path === '/v1/agent/self') return { body: self };
    if (req.path === '/v1/regions') return { body: [region] };
    const asked = req.query.get('region');
    if (asked && asked !== region) return { status: 500, text: 'No path to region' };
    if (req.path === '/v1/nodes') return { body: nodes, headers: { 'X-Nomad-Index': '9' } };
    return { status: 404, text: '404 page not found' };
  });
  return createNomadClient({ address: stub.url, region: 'global', timeoutMs: 2_000, logger: createSilentLogger() });
}

const userMessageOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as NetopsError).userMessage;
  }
  return undefined;
};

describe('checkNomadVersion', () => {
  it('accepts 0.9.0 up to any 2.x, releases between the profiles included', () => {
    for (const v of ['0.9.0', '0.9.7', '0.10.5', '1.5.3', '1.11.2', '2.0.6', '2.3.0', 'v1.6.1+ent']) {
      expect(checkNomadVersion(v, 'http://n:4646')).toBe(v);
    }
  });

  it('refuses older than 0.9, an unknown major and an unreadable version, naming what it read', () => {
    expect(userMessageOf(() => checkNomadVersion('0.8.7', 'http://n:4646'))).toBe(
      'Nomad at http://n:4646 reports version 0.8.7 in /v1/agent/self: older than 0.9. netops-bot supports Nomad 0.9.0 to 2.x.',
    );
    expect(userMessageOf(() => checkNomadVersion('3.0.0', 'http://n:4646'))).toMatch(
      /reports version 3\.0\.0 in \/v1\/agent\/self: major version 3 is newer than the bot knows/,
    );
    expect(userMessageOf(() => checkNomadVersion('banana', 'http://n:4646'))).toMatch(/reports version banana/);
    expect(userMessageOf(() => checkNomadVersion(undefined, 'http://n:4646'))).toMatch(/reports version \(none\)/);
  });
});

describe('checkNomadCluster', () => {
  it('reads the release from /v1/agent/self and passes a right region and datacenter', async () => {
    const nomad = await nomadAt('1.7.2');
    const check = await checkNomadCluster(nomad, { region: 'global', datacenter: 'dc1' });
    expect(check).toMatchObject({ version: '1.7.2', regions: ['global'], datacenters: ['dc1'], problems: [] });
  });

  it('names the real regions for a wrong one, without reading region-scoped endpoints', async () => {
    const nomad = await nomadAt('2.0.6', 'eu-west');
    const check = await checkNomadCluster(nomad, { region: 'global', datacenter: 'dc1' });
    expect(check.problems).toEqual([
      'Nomad region `global` does not exist; the cluster has `eu-west` (set clusters[].nomad.region)',
    ]);
    expect(stub?.requests.map((r) => r.path)).toEqual(['/v1/agent/self', '/v1/regions']);
  });

  it('names the real datacenters for a configured one without nodes', async () => {
    const nomad = await nomadAt('0.9.7', 'global', '0.9.7');
    const check = await checkNomadCluster(nomad, { region: 'global', datacenter: 'dc9' });
    expect(check.problems).toEqual([
      "Nomad datacenter `dc9` has no nodes in region `global`; the cluster's datacenters are `dc1` (set clusters[].nomad.datacenter)",
    ]);
  });

  it('the gate refuses an unsupported release and a wrong datacenter with a user-safe message', async () => {
    const old = await nomadAt('0.8.4');
    await expect(createNomadGate(old, { region: 'global' })()).rejects.toMatchObject({
      userMessage: expect.stringContaining('reports version 0.8.4'),
    });
    await stub?.close();
    const nomad = await nomadAt('2.0.6');
    await expect(createNomadGate(nomad, { region: 'global', datacenter: 'eu1' })()).rejects.toMatchObject({
      userMessage: expect.stringContaining("the cluster's datacenters are `dc1`"),
    });
  });
});

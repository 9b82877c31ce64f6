import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectSecretValues, loadConfig } from '../../../src/config/index.js';
import { createSilentLogger } from '../../../src/logging.js';
import { createClusterContext } from '../../../src/main/cluster-context.js';
import { clusterForTenant } from '../../../src/net/cluster.js';

// A Nomad stand-in that records who asked (token header) and in which namespace; every list is empty.
const seen: Array<{ token: string | undefined; namespace: string | null }> = [];
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const headers: IncomingHttpHeaders = req.headers;
  seen.push({ token: headers['x-nomad-token'] as string | undefined, namespace: url.searchParams.get('namespace') });
  res.writeHead(200, { 'content-type': 'application/json', 'x-nomad-index': '1' });
  res.end('[]');
});
let address = '';
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  address = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const yaml = () => `
clusters:
  - name: lab
    nomad: { address: ${address}, namespace: shared, token: { env: CLUSTER_TOKEN } }
    consul: { address: http://127.0.0.1:8500 }
networks:
  - { name: weave, kind: weave, attach: proxy, interface: ethwe, range: 10.32.0.0/16, mtu: 1376 }
tenants:
  - { name: default, subnet: 10.32.0.0/24, network: weave }
  - name: tenant-b
    subnet: 10.32.1.0/24
    network: weave
    nomad: { namespace: tenant-b, token: { env: TENANT_B_TOKEN } }
  - name: tenant-c
    subnet: 10.32.2.0/24
    network: weave
    nomad: { namespace: tenant-c }
`;

describe("per-tenant Nomad namespace and ACL token: a tenant's writes run with the tenant's rights", () => {
  it('uses the tenant token and namespace for that tenant, the cluster ones otherwise', async () => {
    const env = { CLUSTER_TOKEN: 'cluster-token-0001', TENANT_B_TOKEN: 'tenant-b-token-0002' };
    const config = loadConfig(env, { path: '/cfg/netops.yaml', readFile: () => yaml(), cwd: '/' });
    expect(collectSecretValues(config)).toEqual(expect.arrayContaining(Object.values(env)));
    const cluster = createClusterContext(config, createSilentLogger());
    try {
      seen.length = 0;
      await clusterForTenant(cluster, 'tenant-b').nomad.listJobs();
      await clusterForTenant(cluster, 'default').nomad.listJobs();
      await clusterForTenant(cluster, 'tenant-c').nomad.listJobs();
      expect(seen).toEqual([
        { token: 'tenant-b-token-0002', namespace: 'tenant-b' },
        { token: 'cluster-token-0001', namespace: 'shared' },
        // A namespace alone keeps the cluster token: the only one the config gives.
        { token: 'cluster-token-0001', namespace: 'tenant-c' },
      ]);
    } finally {
      await cluster.close();
    }
  });
});

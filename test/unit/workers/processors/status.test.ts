import { afterEach, describe, expect, it } from 'vitest';
import { createConsulClient } from '../../../../src/clients/consul/client.js';
import { createNomadClient } from '../../../../src/clients/nomad/client.js';
import { createSilentLogger } from '../../../../src/logging.js';
import type { ClusterContext } from '../../../../src/net/cluster.js';
import type { Report } from '../../../../src/report/model.js';
import { createStatusProcessor } from '../../../../src/workers/processors/status.js';
import { type HttpStub, type StubAnswer, startHttpStub } from '../../clients/http-stub.js';

let stub: HttpStub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

const TOKEN = 'tenant-token-0123456789abcdef';
const logger = createSilentLogger();
/** Stubs of about 500 bytes: 3,000 of them are over the 1 MiB from which the table is built in a worker thread. */
const stub500 = (ID: string, Namespace: string) => ({
  ID,
  Namespace,
  Status: 'running',
  Meta: { pad: 'x'.repeat(430) },
});

/** One /status against a stub that is Nomad (two namespaces) and Consul at once. */
async function runStatus(jobsOf: (namespace: string) => StubAnswer): Promise<Report> {
  stub = await startHttpStub((req) => {
    if (req.path === '/v1/jobs') return jobsOf(req.query.get('namespace') ?? 'default');
    return { body: [] }; // nodes, members
  });
  const nomad = (namespace: string, token?: string) =>
    createNomadClient({
      address: stub!.url,
      namespace,
      token,
      timeoutMs: 20_000,
      logger,
      readRetry: { attempts: 1, baseDelayMs: 1 },
    });
  const cluster = {
    nomad: nomad('default'),
    consul: createConsulClient({ address: stub.url, datacenter: 'dc1', timeoutMs: 20_000, logger }),
    hosts: [],
    ssh: {},
  } as unknown as ClusterContext;
  const processor = createStatusProcessor({
    cluster,
    config: { tenants: [{ name: 'tenant-b', subnet: '10.32.1.0/24', network: 'weave' }], networks: [] },
    tenantNomads: [{ tenant: 'tenant-b', namespace: 'tenant-b', nomad: nomad('tenant-b', TOKEN) }],
  });
  return processor({
    jobId: 'status-test',
    command: { name: 'status', args: {}, text: '/status' },
    requester: { userId: 'U1' },
    signal: new AbortController().signal,
    logger,
    progress: async () => {},
    setQueuePosition: async () => {},
  } as unknown as Parameters<typeof processor>[0]);
}

function jobsCell(report: Report, tenant: string): string | undefined {
  for (const b of report.blocks) {
    if (b.kind === 'table' && b.columns[1] === 'jobs') return b.rows.find((r) => r[0] === tenant)?.[1];
  }
  return undefined;
}

const problemsOf = (report: Report) => (report as Report & { problems: string[] }).problems;

describe('/status jobs table', () => {
  it('tallies large lists of both namespaces (built in the worker thread), each job once', async () => {
    const report = await runStatus((ns) => ({
      body: [
        ...Array.from({ length: 3_000 }, (_, i) => stub500(`svc-${i}-tenant-b`, ns)),
        stub500('shared-tenant-b', 'everywhere'),
      ],
    }));
    expect(problemsOf(report)).toEqual([]);
    // 3,000 per namespace; the stub both lists in namespace `everywhere` counts once.
    expect(jobsCell(report, 'tenant-b')).toMatch(/… and 5951 more \(6001 jobs: 6001 running\)$/);
  }, 60_000);

  it('tallies a small list here, with the same table', async () => {
    const report = await runStatus((ns) => ({ body: [stub500(`one-${ns}-tenant-b`, ns)] }));
    expect(jobsCell(report, 'tenant-b')).toBe('one-default-tenant-b (running), one-tenant-b-tenant-b (running)');
  });

  it("reports a tenant namespace's wrong answer as the client's error, its token masked, large or small", async () => {
    for (const size of [10, 3_000]) {
      const report = await runStatus((ns) =>
        ns === 'tenant-b'
          ? { text: `<html>bad gateway for ${TOKEN}${' '.repeat(size * 500)}` }
          : { body: Array.from({ length: size }, (_, i) => stub500(`svc-${i}`, ns)) },
      );
      expect(problemsOf(report)).toEqual([
        expect.stringMatching(
          /^Nomad jobs: namespace tenant-b: nomad\.jobs\.list: response is not JSON: <html>bad gateway for \[REDACTED\] /,
        ),
      ]);
      expect(problemsOf(report).join()).not.toContain(TOKEN);
      const shape = await runStatus((ns) => ({
        body: Array.from({ length: size }, (_, i) => (i === 7 && ns === 'default' ? { ID: 7 } : stub500(`s${i}`, ns))),
      }));
      expect(problemsOf(shape)).toEqual([
        expect.stringMatching(
          /^Nomad jobs: nomad\.jobs\.list: unexpected response shape: 7\.ID: .*\(\+1 more issue\)$/,
        ),
      ]);
    }
  }, 60_000);
});

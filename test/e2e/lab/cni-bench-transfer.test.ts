import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CniBenchArgs } from '../../../src/commands/specs/cni-bench.js';
import { loadConfig } from '../../../src/config/index.js';
import { createSilentLogger } from '../../../src/logging.js';
import { createClusterContext } from '../../../src/main/cluster-context.js';
import type { BenchImages } from '../../../src/net/bench/bench-containers.js';
import type { Report } from '../../../src/report/model.js';
import type { ProcessorContext } from '../../../src/workers/processor.js';
import { createCniBenchProcessor } from '../../../src/workers/processors/cni-bench.js';
import { runOnHost } from '../../lab/host-exec.js';
import { gateLabSuite } from '../../lab/lab-gate.js';
import { bringUpLabForTests, checkLabSupport, LAB_LOCK_WAIT_MS } from '../../lab/lab-support.js';
import { CONFIG_PATH } from '../../lab/topology.js';

const support = await checkLabSupport();
const skipLab = gateLabSuite(support, '/cni-bench FTP and SCP on the lab');

const RUN_MS = 300_000;
type Results = Record<
  string,
  {
    bareMbps: number | null;
    overlayMbps: number | null;
    ratio: number | null;
    rating: string | null;
    errors?: string[];
  }
>;

/** One short /cni-bench in process against the lab. */
async function bench(
  network: string,
  tests: CniBenchArgs['tests'],
  images: Partial<BenchImages> = {},
): Promise<Report & Record<string, unknown>> {
  const config = loadConfig({}, { path: CONFIG_PATH });
  const cluster = createClusterContext(config, createSilentLogger());
  try {
    const ctx: ProcessorContext<CniBenchArgs> = {
      jobId: `job-${Math.random().toString(36).slice(2)}`,
      command: {
        name: 'cni-bench',
        args: { network, durationMs: 1000, streams: 2, repeat: 1, ...(tests ? { tests } : {}) },
        text: `/cni-bench ${network}`,
      },
      requester: { userId: 'U1' } as ProcessorContext['requester'],
      signal: new AbortController().signal,
      logger: createSilentLogger(),
      progress: async () => {},
      setQueuePosition: async () => {},
    };
    const processor = createCniBenchProcessor({
      cluster,
      config,
      chartsDir: '/tmp/netops-bench-transfer-charts',
      bench: { images, transfer: { payloadMB: 20 }, http: { payloadMB: 20 } },
    });
    return (await processor(ctx)) as Report & Record<string, unknown>;
  } finally {
    await cluster.close();
  }
}

describe.skipIf(skipLab)('/cni-bench FTP and SCP on the lab', () => {
  let teardown: () => Promise<void> = async () => {};
  beforeAll(async () => {
    teardown = await bringUpLabForTests({ withoutEmulators: true });
  }, LAB_LOCK_WAIT_MS);
  afterAll(async () => {
    await teardown();
  }, LAB_LOCK_WAIT_MS);

  it(
    'tests=tcp,udp,http,scp reports each with ratios; results.scp is shaped like results.tcp',
    async () => {
      const report = await bench('weave', ['tcp', 'udp', 'http', 'scp']);
      const results = report.results as Results;
      expect(Object.keys(results)).toEqual(['tcp', 'udp', 'http', 'scp']);
      expect(results.scp?.errors ?? []).toEqual([]);
      expect(results.scp?.bareMbps).toBeGreaterThan(0);
      expect(results.scp?.overlayMbps).toBeGreaterThan(0);
      expect(results.scp?.ratio).toBeGreaterThan(0);
      expect(results.scp?.rating).toMatch(/very good|good|fair|poor/);
      expect(Object.keys(results.scp ?? {})).toEqual(expect.arrayContaining(Object.keys(results.tcp ?? {})));
      expect(report.ok).toBe(true);
      // No bench container outlives its run.
      for (const h of ['u1', 'u2'] as const) {
        const ps = await runOnHost(h, ['docker', 'ps', '-a', '--filter', 'label=netops.bench', '-q']);
        expect(ps.stdout.trim()).toBe('');
      }
    },
    RUN_MS,
  );

  it(
    'routed (no encapsulation, MTU = underlay): TCP near bare metal, the UDP datagram size effect gone',
    async () => {
      const report = await bench('routed', ['tcp', 'udp']);
      const results = report.results as Results & { udp?: { datagramBytes?: { bare: number; overlay: number } } };
      expect(report.mtu).toMatchObject({ underlay: 9000, overlay: 9000, recommended: 9000, flagged: false });
      expect(results.tcp?.ratio).toBeGreaterThan(0.8);
      expect(results.udp?.datagramBytes?.overlay).toBe(results.udp?.datagramBytes?.bare);
    },
    RUN_MS,
  );

  it(
    'the default stays quick: no FTP or SCP containers unless asked',
    async () => {
      const report = await bench('flannel', undefined);
      expect(Object.keys(report.results as Results)).toEqual(['tcp', 'tcpMulti', 'udp', 'http']);
    },
    RUN_MS,
  );

  it(
    'a missing SCP image is named with the host and the tool',
    async () => {
      await expect(bench('weave', ['scp'], { scpServer: 'example/no-such-sshd' })).rejects.toThrow(
        /u2 cannot run sshd: image example\/no-such-sshd is not available there/,
      );
    },
    RUN_MS,
  );

  it(
    'tests=ftp reports FTP with ratios; an FTP image without an FTP server is named',
    async () => {
      const report = await bench('weave', ['ftp']);
      const results = report.results as Results;
      expect(results.ftp?.errors ?? []).toEqual([]);
      expect(results.ftp?.ratio).toBeGreaterThan(0);
      const noServer = await bench('weave', ['ftp'], { ftpServer: 'busybox' });
      expect((noServer.results as Results).ftp?.errors?.join('\n')).toMatch(
        /nothing answers FTP on .*: does image busybox run an FTP server/,
      );
    },
    RUN_MS,
  );

  // Skipped: in this hand-made set-up (plain `docker run` on u2, server and nginx client on Weave's default
  // subnet) every curl to the server's Weave address times out (curl 28), also with the right password, while the
  // bench's own FTP containers (test above) fetch fine and a wrong password gets 530 from the same image outside
  // the lab's network. Not yet diagnosed (the addressing of this test, not vsftpd, is the suspect).
  it.skip(
    'the lab vsftpd is as strict as the image: a wrong password is refused (530)',
    async () => {
      const run = (...args: string[]) => runOnHost('u2', ['docker', ...args]);
      await run('run', '-d', '--name', 'ftp-strict', '-e', 'FTP_USER=u', '-e', 'FTP_PASS=rightpass1', 'fauria/vsftpd');
      await run('run', '-d', '--name', 'ftp-strict-client', 'nginx', 'sleep', '600');
      try {
        const ip = (await runOnHost('u2', ['weave', 'ps', 'ftp-strict'])).stdout.split(/\s+/)[2]?.split('/')[0];
        const curl = (credentials: string) =>
          run('exec', 'ftp-strict-client', 'curl', '-sS', '-m', '10', '-u', credentials, `ftp://${ip}/`);
        // run-vsftpd.sh takes a moment (chown, db_load) before vsftpd listens: wait until the right password
        // lists the (empty) home, as the bench waits for its servers, then the wrong one must be refused.
        let good = await curl('u:rightpass1');
        for (let i = 0; i < 30 && good.code !== 0; i++) {
          await new Promise((r) => setTimeout(r, 1000));
          good = await curl('u:rightpass1');
        }
        expect(good.code).toBe(0);
        const bad = await curl('u:wrongpass1');
        expect(bad.code).toBe(67);
        expect(bad.stderr).toMatch(/530|Access denied/);
      } finally {
        await run('rm', '-f', 'ftp-strict', 'ftp-strict-client');
      }
    },
    RUN_MS,
  );
});

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CNI_BENCH_LIMITS, type CniBenchArgs } from '../../../src/commands/specs/cni-bench.js';
import { loadConfig } from '../../../src/config/index.js';
import { ErrorCode } from '../../../src/errors.js';
import { createSilentLogger } from '../../../src/logging.js';
import { createClusterContext } from '../../../src/main/cluster-context.js';
import type { ProcessorContext } from '../../../src/workers/processor.js';
import { createCniBenchProcessor } from '../../../src/workers/processors/cni-bench.js';
import { startTestRedis } from '../../helpers/redis-server.js';
import { runOnHost } from '../../lab/host-exec.js';
import { gateLabSuite } from '../../lab/lab-gate.js';
import { useLabForTests } from '../../lab/lab-hooks.js';
import { checkLabSupport, LAB_LOCK_WAIT_MS } from '../../lab/lab-support.js';
import { CONFIG_PATH } from '../../lab/topology.js';
import { reportOf, runCli } from './netops-cli.js';

const support = await checkLabSupport();
const skipLab = gateLabSuite(support, '/cni-bench on the lab');

const RUN_MS = 240_000;
const SHORT = 'duration=2s repeat=1 streams=2';

async function benchContainers(host: 'u1' | 'u2'): Promise<string[]> {
  const r = await runOnHost(host, ['docker', 'ps', '-a', '--filter', 'label=netops.bench', '--format', '{{.Names}}']);
  return r.stdout.split('\n').filter(Boolean);
}

function pngSize(path: string): { width: number; height: number } {
  const png = readFileSync(path);
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe.skipIf(skipLab)('/cni-bench on the lab', () => {
  let redisServer: Awaited<ReturnType<typeof startTestRedis>>;
  let env: Record<string, string>;
  let chartsDir: string;

  useLabForTests({ withoutEmulators: true });
  beforeAll(async () => {
    redisServer = await startTestRedis();
    chartsDir = mkdtempSync(join(tmpdir(), 'netops-bench-charts-'));
    env = { REDIS_URL: redisServer.url, NETOPS_CHARTS_DIR: chartsDir, LOG_LEVEL: 'warn' };
  }, LAB_LOCK_WAIT_MS);
  afterAll(async () => {
    await redisServer?.stop();
    if (chartsDir) rmSync(chartsDir, { recursive: true, force: true });
  }, LAB_LOCK_WAIT_MS);

  it(
    '/cni-bench weave: all results, Weave 1376 on 9000 flagged with WEAVE_MTU=8916, UDP well below bare metal, PNG written',
    async () => {
      const r = await runCli(`/cni-bench weave ${SHORT}`, env);
      expect(r.code, r.stderr).toBe(0);
      const report = reportOf(r);
      expect(report).toMatchObject({ command: 'cni-bench', ok: true, network: 'weave' });
      expect(report.mtu).toMatchObject({
        underlay: 9000,
        overlay: 1376,
        recommended: 8916,
        flagged: true,
        overlayIface: 'ethwe',
      });
      // The lab's veths report 10000 Mbit/s: the published factor's conditions (10 Gbit/s, unencrypted, 1 stream).
      expect((report.mtu as { expectedGain?: { conditions: unknown } }).expectedGain?.conditions).toEqual({
        linkMbps: 10_000,
        encrypted: false,
        streams: 1,
      });
      expect(report.datapath).toMatchObject({
        mode: 'fastdp',
        encrypted: false,
        links: [
          { host: 'u1', peer: 'u2', state: 'established', datapath: 'fastdp', mtu: 1376 },
          { host: 'u2', peer: 'u1', state: 'established', datapath: 'fastdp', mtu: 1376 },
        ],
      });
      // Stock networkstatic/iperf3 is 3.9 on both ends: no loss figure, and the reason is given.
      expect(report.iperf3).toMatchObject({ client: '3.9', server: '3.9', lossReliable: false });
      expect((report.iperf3 as { lossOmitted: string }).lossOmitted).toContain('predates 3.14');
      const udpResult = (report.results as Record<string, { datagramBytes?: unknown; lostPercent?: unknown }>).udp;
      expect(udpResult?.lostPercent).toBeUndefined();
      // iperf3 -b 0 sends the control connection's MSS: 1376 − 52 on Weave, 9000 − 52 on the underlay.
      expect(udpResult?.datagramBytes).toEqual({ overlay: 1324, bare: 8948 });
      expect(report.http).toMatchObject({ payloadMB: 100 });
      const results = report.results as Record<
        string,
        { bareMbps: number; overlayMbps: number; ratio: number; rating: string }
      >;
      for (const test of ['tcp', 'tcpMulti', 'udp', 'http']) {
        expect(results[test]?.bareMbps, test).toBeGreaterThan(0);
        expect(results[test]?.overlayMbps, test).toBeGreaterThan(0);
        expect(results[test]?.ratio, test).toBeCloseTo(
          (results[test]?.overlayMbps ?? 0) / (results[test]?.bareMbps ?? 1),
          2,
        );
      }
      // 1376-byte datagrams against 9000-byte ones: the published 2020 effect (Weave UDP ~19 % of tuned).
      expect(results.udp?.ratio).toBeLessThan(0.75);
      expect(['fair', 'poor']).toContain(results.udp?.rating);
      const resources = report.resources as { cpuPermil: number; ramMB: number; idle: { client?: unknown } };
      expect(resources.cpuPermil).toBeGreaterThan(0);
      expect(resources.ramMB).toBeGreaterThan(0);
      expect(resources.idle.client).toBeDefined();
      const chart = report.chart as string;
      expect(chart.startsWith(chartsDir)).toBe(true);
      expect(pngSize(chart).width).toBeGreaterThan(400);
      expect(report.files).toEqual([{ path: chart, title: 'weave vs bare metal' }]);
      expect(await benchContainers('u1')).toEqual([]);
      expect(await benchContainers('u2')).toEqual([]);
    },
    RUN_MS,
  );

  it(
    '/cni-bench flannel, then history and compare weave flannel',
    async () => {
      const flannel = await runCli(`/cni-bench flannel ${SHORT}`, env);
      expect(flannel.code, flannel.stderr).toBe(0);
      const fr = reportOf(flannel);
      expect(fr.mtu).toMatchObject({ overlay: 8950, flagged: false, tooLarge: false, overlayIface: 'eth0' });
      expect(fr.datapath).toBeUndefined();
      expect((fr.results as Record<string, { datagramBytes?: unknown }>).udp?.datagramBytes).toEqual({
        overlay: 8898,
        bare: 8948,
      });

      const history = await runCli('/cni-bench history weave', env);
      expect(history.code, history.stderr).toBe(0);
      expect((reportOf(history).runs as unknown[]).length).toBeGreaterThanOrEqual(1);

      const compare = await runCli('/cni-bench compare weave flannel', env);
      expect(compare.code, compare.stderr).toBe(0);
      const report = reportOf(compare);
      expect(report.networks).toEqual(['weave', 'flannel']);
      expect(existsSync(report.chart as string)).toBe(true);
      pngSize(report.chart as string);
    },
    RUN_MS,
  );

  it('answers bad input: unknown network (exit 1, known ones listed), duration out of range and from = to (exit 2)', async () => {
    const unknown = await runCli('/cni-bench calico', env);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toContain('known networks: weave, flannel, routed, host');
    const range = await runCli(`/cni-bench weave duration=${CNI_BENCH_LIMITS.duration.maxMs / 1000 + 1}s`, env);
    expect(range.code).toBe(2);
    const same = await runCli('/cni-bench weave from=u1 to=u1', env);
    expect(same.code).toBe(2);
    expect(same.stdout).toContain('same host');
  }, 60_000);

  describe('faults, in process', () => {
    let redis: Redis;
    let cluster: ReturnType<typeof createClusterContext>;
    beforeAll(() => {
      redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
      cluster = createClusterContext(loadConfig({}, { path: CONFIG_PATH }), createSilentLogger());
    });
    afterAll(async () => {
      redis?.disconnect();
      await cluster?.close();
    });

    const processor = (
      bench?: Parameters<typeof createCniBenchProcessor>[0]['bench'],
      configure: (c: ReturnType<typeof loadConfig>) => Parameters<typeof createCniBenchProcessor>[0]['config'] = (c) =>
        c,
    ) =>
      createCniBenchProcessor({
        cluster,
        config: configure(loadConfig({}, { path: CONFIG_PATH })),
        redis: () => redis,
        chartsDir,
        ...(bench ? { bench } : {}),
      });
    const context = (
      onStep: (step: string) => void,
      signal = new AbortController().signal,
    ): ProcessorContext<CniBenchArgs> => ({
      jobId: `job-${Math.random().toString(36).slice(2)}`,
      command: {
        name: 'cni-bench',
        args: { network: 'weave', durationMs: 3000, streams: 2, repeat: 1 },
        text: '/cni-bench weave',
      },
      requester: { userId: 'U1' } as ProcessorContext['requester'],
      signal,
      logger: createSilentLogger(),
      progress: async (step) => onStep(step),
      setQueuePosition: async () => {},
    });

    const only = (network: string): ProcessorContext<CniBenchArgs> => {
      const ctx = context(() => {});
      return { ...ctx, command: { ...ctx.command, args: { network, durationMs: 1000, streams: 2, repeat: 1 } } };
    };

    it(
      'mixed iperf3 versions (client lab/iperf3:3.12, server networkstatic/iperf3 3.9): measured, loss left out with the reason',
      async () => {
        // A config still naming the old lab's eth1: the bench finds eth0, the interface the address lives on.
        const report = await processor({ images: { iperf3Client: 'lab/iperf3:3.12' } }, (c) => ({
          ...c,
          networks: c.networks.map((n) => (n.name === 'flannel' ? { ...n, interface: 'eth1' } : n)),
        }))(only('flannel'));
        expect(report.mtu).toMatchObject({ overlay: 8950, overlayIface: 'eth0' });
        expect(report.iperf3).toMatchObject({ client: '3.12', server: '3.9', lossReliable: false });
        expect((report.iperf3 as { lossOmitted: string }).lossOmitted).toBe(
          'client iperf3 3.12 and server 3.9 differ, and loss counting differs between versions (esnet/iperf#2055)',
        );
        const results = report.results as Record<string, { overlayMbps: number | null; lostPercent?: unknown }>;
        expect(results.udp?.overlayMbps).toBeGreaterThan(0);
        expect(results.udp?.lostPercent).toBeUndefined();
      },
      RUN_MS,
    );

    it(
      'an image without the tool a test needs: named with the tool and the config to change',
      async () => {
        // busybox has no curl: the HTTP test fails (the others run), naming image and tool.
        const noCurl = await processor({ images: { httpClient: 'busybox' } })(only('flannel'));
        expect(noCurl.ok).toBe(false);
        const http = (noCurl.results as Record<string, { errors?: string[]; overlayMbps: number | null }>).http;
        expect(http?.errors?.[0]).toContain(
          'image busybox on u1 has no curl (the HTTP client needs curl): choose an image that has it under bench.images.httpClient',
        );
        expect((noCurl.results as Record<string, { overlayMbps: number | null }>).tcp?.overlayMbps).toBeGreaterThan(0);
        // busybox has no iperf3 and no ENTRYPOINT: Docker runs `-s`, the set-up stops with a clear error.
        await expect(processor({ images: { iperf3: 'busybox' } })(only('flannel'))).rejects.toMatchObject({
          code: ErrorCode.Bench,
          userMessage: expect.stringMatching(
            /^image busybox on u[12] has no iperf3 \(its ENTRYPOINT must be iperf3; Docker ran "-s" instead\)/,
          ),
        });
        // An HTTP server image that is not nginx: its web root is not nginx's, the payload cannot be made there.
        await expect(processor({ images: { httpServer: 'busybox' } })(only('flannel'))).rejects.toMatchObject({
          code: ErrorCode.Bench,
          userMessage: expect.stringContaining('bench.http.webRoot must be the image'),
        });
        expect(await benchContainers('u1')).toEqual([]);
        expect(await benchContainers('u2')).toEqual([]);
      },
      RUN_MS,
    );

    it(
      'a client killed mid-test fails that test with a clear reason; the other tests still run',
      async () => {
        let killed = false;
        const report = await processor()(
          context((step) => {
            if (killed || !step.startsWith('TCP 1 stream, overlay')) return;
            killed = true;
            setTimeout(async () => {
              const name = (await benchContainers('u1')).find((n) => n.endsWith('-iperf-client-overlay'));
              if (name) await runOnHost('u1', ['docker', 'rm', '-f', name]);
            }, 1500);
          }),
        );
        expect(killed).toBe(true);
        expect(report.ok).toBe(false);
        const results = report.results as Record<string, { overlayMbps: number | null; errors?: string[] }>;
        expect(results.tcp?.overlayMbps).toBeNull();
        expect(results.tcp?.errors?.join('\n')).toMatch(/overlay run 1: .*(died mid-test|killed mid-test)/);
        expect(results.udp?.overlayMbps).toBeGreaterThan(0);
        expect(await benchContainers('u1')).toEqual([]);
      },
      RUN_MS,
    );

    it(
      'cancel mid-run: the job ends as cancelled and no bench container is left',
      async () => {
        const abort = new AbortController();
        const run = processor()(
          context((step) => {
            if (step.startsWith('UDP')) abort.abort(new Error('cancelled by U1'));
          }, abort.signal),
        );
        await expect(run).rejects.toMatchObject({ code: ErrorCode.Cancelled });
        expect(await benchContainers('u1')).toEqual([]);
        expect(await benchContainers('u2')).toEqual([]);
      },
      RUN_MS,
    );
  });
});

import { describe, expect, it } from 'vitest';
import type { CniBenchArgs } from '../../../src/commands/specs/cni-bench.js';
import { loadConfig } from '../../../src/config/index.js';
import { createSilentLogger } from '../../../src/logging.js';
import { createClusterContext } from '../../../src/main/cluster-context.js';
import type { Report } from '../../../src/report/model.js';
import type { ProcessorContext } from '../../../src/workers/processor.js';
import { createCniBenchProcessor } from '../../../src/workers/processors/cni-bench.js';
import { runOnHost } from '../../lab/host-exec.js';
import { gateLabSuite } from '../../lab/lab-gate.js';
import { useLabForTests } from '../../lab/lab-hooks.js';
import { checkLabSupport } from '../../lab/lab-support.js';
import { upLab } from '../../lab/lab-up.js';
import { CONFIG_PATH } from '../../lab/topology.js';

const support = await checkLabSupport();
const skipLab = gateLabSuite(support, '/cni-bench on Weave sleeve and with a password');

const RUN_MS = 240_000;

/** One short /cni-bench weave in process against the lab as it is now (the config is re-read: `up` rewrites it). */
async function benchWeave(chartsDir: string): Promise<Report & Record<string, unknown>> {
  const config = loadConfig({}, { path: CONFIG_PATH });
  const cluster = createClusterContext(config, createSilentLogger());
  try {
    const ctx: ProcessorContext<CniBenchArgs> = {
      jobId: `job-${Math.random().toString(36).slice(2)}`,
      command: {
        name: 'cni-bench',
        args: { network: 'weave', durationMs: 1000, streams: 2, repeat: 1 },
        text: '/cni-bench weave',
      },
      requester: { userId: 'U1' } as ProcessorContext['requester'],
      signal: new AbortController().signal,
      logger: createSilentLogger(),
      progress: async () => {},
      setQueuePosition: async () => {},
    };
    return (await createCniBenchProcessor({ cluster, config, chartsDir })(ctx)) as Report & Record<string, unknown>;
  } finally {
    await cluster.close();
  }
}

describe.skipIf(skipLab)('/cni-bench on Weave sleeve and with a password', () => {
  const chartsDir = '/tmp/netops-bench-datapath-charts';
  // WEAVE_MTU=8960 on a 9000 underlay: fastdp's heartbeat (MTU + 50) cannot cross, connections fall back.
  useLabForTests({ withoutEmulators: true, overlayMtu: 8960 });

  it(
    'sleeve fallback: reported per connection, the MTU named as the cause with the value to set',
    async () => {
      const conns = await runOnHost('u1', ['weave', 'status', 'connections']);
      expect(conns.stdout).toMatch(/^-> 192\.168\.56\.12:6783 +established sleeve 7a:65:61:76:65:02\(u2\) mtu=8938$/m);
      const report = await benchWeave(chartsDir);
      expect(report.datapath).toMatchObject({ mode: 'sleeve', encrypted: false, sleeveMtu: 8938 });
      expect(report.mtu).toMatchObject({ overlay: 8960, tooLarge: true, flagged: true, recommended: 8916 });
      expect((report.mtu as { advice: string }).advice).toContain(
        'fastdp fell back because WEAVE_MTU 8960 + 50 bytes exceeds the underlay',
      );
      // Traffic still flows over sleeve at its verified path MTU.
      const results = report.results as Record<string, { overlayMbps: number | null }>;
      expect(results.tcp?.overlayMbps).toBeGreaterThan(0);
    },
    RUN_MS,
  );

  it(
    'sleeve by configuration (WEAVE_NO_FASTDP): bridge MTU 65535 explained, not called too large',
    async () => {
      await upLab({ withoutEmulators: true, sleeve: true });
      const mtu = await runOnHost('u1', ['cat', '/sys/class/net/weave/mtu']);
      expect(mtu.stdout.trim()).toBe('65535');
      const report = await benchWeave(chartsDir);
      expect(report.datapath).toMatchObject({ mode: 'sleeve' });
      expect(report.mtu).toMatchObject({ overlay: 65535, overlayIface: 'ethwe', tooLarge: false, flagged: true });
      expect((report.mtu as { advice: string }).advice).toContain('by configuration (WEAVE_NO_FASTDP');
      const results = report.results as Record<string, { overlayMbps: number | null; datagramBytes?: unknown }>;
      expect(results.tcp?.overlayMbps).toBeGreaterThan(0);
    },
    RUN_MS,
  );

  it(
    'with a password: encrypted connections are reported; 8950 leaves no room for ESP and falls back to sleeve',
    async () => {
      await upLab({ withoutEmulators: true, weavePassword: true });
      const conns = await runOnHost('u1', ['weave', 'status', 'connections']);
      expect(conns.stdout).toMatch(
        /^-> 192\.168\.56\.12:6783 +established encrypted {3}fastdp 7a:65:61:76:65:02\(u2\) encrypted=truemtu=1376$/m,
      );
      expect((await runOnHost('u1', ['weave', 'status'])).stdout).toMatch(/^ +Encryption: enabled$/m);
      const encrypted = await benchWeave(chartsDir);
      expect(encrypted.datapath).toMatchObject({ mode: 'fastdp', encrypted: true });
      expect((encrypted.mtu as { gainOmitted?: string }).gainOmitted).toContain('this connection is encrypted');

      await upLab({ withoutEmulators: true, weavePassword: true, overlayMtu: 8950 });
      const fallback = await benchWeave(chartsDir);
      expect(fallback.datapath).toMatchObject({ mode: 'sleeve', encrypted: true, sleeveMtu: 8914 });
      expect((fallback.mtu as { advice: string }).advice).toContain('8950 + 86 bytes (with ESP) exceeds');
    },
    RUN_MS,
  );
});

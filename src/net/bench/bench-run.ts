import { buildCommand, type SshPool } from '../../clients/ssh/index.js';
import { rateRatio } from '../../commands/ratings.js';
import type { ClusterHost } from '../cluster.js';
import { type BenchContainer, startBenchContainer } from './bench-containers.js';
import type { BenchSetup } from './bench-setup.js';
import {
  BENCH_TEST_LABELS,
  BENCH_TESTS,
  type BenchLeg,
  type BenchTest,
  DEFAULT_BENCH_TESTS,
  type PairUsage,
  type TestResult,
} from './bench-types.js';
import { startHostSampler } from './host-sampler.js';
import { runHttpFetches } from './http-run.js';
import { runIperfClient } from './iperf-run.js';
import { averageUsage, meanUsage } from './proc-usage.js';
import { medianOf } from './stats.js';
import { runTransfers } from './transfer-run.js';

/** Options of one measurement series. */
export interface BenchRunInput {
  ssh: Pick<SshPool, 'run'>;
  runId: string;
  setup: BenchSetup;
  client: ClusterHost;
  server: ClusterHost;
  durationMs: number;
  streams: number;
  repeat: number;
  signal: AbortSignal;
  progress(step: string): Promise<void>;
  /** @defaultValue 1000 */
  sampleIntervalMs?: number;
  /**
   * Whether UDP runs omit the first second like TCP. False for iperf3 clients older than 3.11, which print no
   * receiver sum for UDP: the receiver figure is then derived from the loss, which --omit makes wrong before 3.14
   * (esnet/iperf PR #1498). @defaultValue true
   */
  udpOmit?: boolean;
  /** Run only these tests (the accuracy benchmark needs TCP and UDP only). @defaultValue DEFAULT_BENCH_TESTS */
  only?: readonly BenchTest[];
  now?: () => number;
}

/** One measurement of one leg, with the host usage during it. */
interface Sample {
  mbps?: number;
  lostPercent?: number;
  datagramBytes?: number;
  fetchMs?: number;
  error?: string;
  containerGone?: boolean;
  usage: PairUsage;
}

const LEGS: BenchLeg[] = ['overlay', 'bare'];

/**
 * Measures host usage with nothing running (the idle baseline, as knb's `idle` test), for `durationMs`.
 */
export async function measureIdle(input: BenchRunInput): Promise<PairUsage> {
  const { usage } = await withUsage(input, () => new Promise<void>((res) => setTimeout(res, input.durationMs)));
  return usage;
}

/**
 * Runs every test `repeat` times, overlay and bare metal alternating so both legs see the same conditions
 * (host usage sampled during the first repeat),
 * and reduces each to medians, the overlay/bare ratio and its rating. A failed measurement is recorded with
 * its reason and the run goes on; a client container that died is started again for the next measurement.
 */
export async function runBenchTests(input: BenchRunInput): Promise<TestResult[]> {
  const results: TestResult[] = [];
  const only = input.only ?? DEFAULT_BENCH_TESTS;
  for (const test of BENCH_TESTS.filter((t) => only.includes(t))) {
    const samples: Record<BenchLeg, Sample[]> = { overlay: [], bare: [] };
    for (let i = 1; i <= input.repeat; i++) {
      for (const leg of LEGS) {
        await input.progress(
          `${BENCH_TEST_LABELS[test]}, ${leg === 'bare' ? 'bare metal' : 'overlay'}, ${i}/${input.repeat}`,
        );
        // Host usage is sampled in the first repeat only (as the 2019 CNI benchmark did): each SSH reading costs
        // CPU on the hosts, which on small machines lowers the throughput of the very test it watches.
        const sample = await measure(input, test, leg, i === 1);
        samples[leg].push(sample);
        if (sample.containerGone) await restartClient(input, test, leg);
      }
    }
    results.push(summarize(test, samples));
  }
  return results;
}

async function measure(input: BenchRunInput, test: BenchTest, leg: BenchLeg, sampled: boolean): Promise<Sample> {
  const seconds = Math.max(1, Math.round(input.durationMs / 1000));
  const { value: o, usage } = await withUsage(
    sampled ? input : undefined,
    async (): Promise<
      | { ok: true; mbps: number; lostPercent?: number; blksize?: number; medianFetchMs?: number }
      | { ok: false; error: string; containerGone?: boolean }
    > => {
      if (test === 'ftp' || test === 'scp') {
        const target = input.setup.transfer?.[test]?.[leg];
        if (!target) return { ok: false, error: `no ${test.toUpperCase()} containers were started` };
        return runTransfers(input.ssh, test, target, input.durationMs, input.signal, input.now);
      }
      if (test === 'http') {
        const h = input.setup.http[leg];
        return runHttpFetches(
          input.ssh,
          {
            host: h.client.host,
            container: h.client.name,
            image: h.client.image,
            target: h.target,
            file: input.setup.httpFile,
            durationMs: input.durationMs,
          },
          input.signal,
          input.now,
        );
      }
      const p = input.setup.iperf[leg];
      return runIperfClient(
        input.ssh,
        {
          host: p.client.host,
          container: p.client.name,
          serverIp: p.serverIp,
          port: p.port,
          seconds,
          ...(test === 'tcpMulti' ? { streams: input.streams } : {}),
          udp: test === 'udp',
          omit: test !== 'udp' || input.udpOmit !== false,
        },
        input.signal,
      );
    },
  );
  if (!o.ok) return { error: o.error, ...(o.containerGone ? { containerGone: true } : {}), usage };
  return {
    mbps: o.mbps,
    ...(o.lostPercent !== undefined ? { lostPercent: o.lostPercent } : {}),
    ...(o.blksize !== undefined ? { datagramBytes: o.blksize } : {}),
    ...(o.medianFetchMs !== undefined ? { fetchMs: o.medianFetchMs } : {}),
    usage,
  };
}

/**
 * Runs `work` while both hosts are sampled every second; returns its value and their average usage (empty
 * without `input`: not sampled).
 */
async function withUsage<T>(
  input: BenchRunInput | undefined,
  work: () => Promise<T>,
): Promise<{ value: T; usage: PairUsage }> {
  if (!input) return { value: await work(), usage: {} };
  const sampler = (host: string) =>
    startHostSampler({
      ssh: input.ssh,
      host,
      signal: input.signal,
      ...(input.sampleIntervalMs ? { intervalMs: input.sampleIntervalMs } : {}),
      ...(input.now ? { now: input.now } : {}),
    });
  const client = sampler(input.client.name);
  const server = sampler(input.server.name);
  let value: T;
  let usage: PairUsage = {};
  try {
    value = await work();
  } finally {
    await Promise.all([client.stop(), server.stop()]).then(([c, s]) => {
      const cu = averageUsage(c);
      const su = averageUsage(s);
      usage = { ...(cu ? { client: cu } : {}), ...(su ? { server: su } : {}) };
    });
  }
  return { value, usage };
}

async function restartClient(input: BenchRunInput, test: BenchTest, leg: BenchLeg): Promise<void> {
  // An FTP or SCP client comes with per-run state (the SCP key pair): its failure is reported, not repaired.
  if (test === 'ftp' || test === 'scp') return;
  const c: BenchContainer = test === 'http' ? input.setup.http[leg].client : input.setup.iperf[leg].client;
  await input.ssh.run(c.host, buildCommand('docker.rm', { name: c.name }), { signal: input.signal });
  await startBenchContainer(input.ssh, input.runId, c, test === 'http' ? 'curl' : 'iperf3', input.signal).catch(() => {
    // The next measurement reports the container as gone again; nothing more to do here.
  });
}

/** Medians, ratio and rating of one test from its samples. */
export function summarize(test: BenchTest, samples: Record<BenchLeg, Sample[]>): TestResult {
  const mbps = (leg: BenchLeg) => samples[leg].flatMap((s) => (s.mbps === undefined ? [] : [s.mbps]));
  const bare = medianOf(mbps('bare'));
  const overlay = medianOf(mbps('overlay'));
  const ratio = bare !== undefined && overlay !== undefined && bare > 0 ? overlay / bare : undefined;
  const errors = LEGS.flatMap((leg) =>
    samples[leg].flatMap((s, i) =>
      s.error ? [`${leg === 'bare' ? 'bare metal' : 'overlay'} run ${i + 1}: ${s.error}`] : [],
    ),
  );
  const usage = (leg: BenchLeg): PairUsage => {
    const client = meanUsage(samples[leg].map((s) => s.usage.client));
    const server = meanUsage(samples[leg].map((s) => s.usage.server));
    return { ...(client ? { client } : {}), ...(server ? { server } : {}) };
  };
  const medianField = (leg: BenchLeg, field: 'lostPercent' | 'datagramBytes' | 'fetchMs') =>
    medianOf(samples[leg].flatMap((s) => (s[field] === undefined ? [] : [s[field]]))) ?? null;
  const perLeg = (field: 'lostPercent' | 'datagramBytes' | 'fetchMs') => ({
    overlay: medianField('overlay', field),
    bare: medianField('bare', field),
  });
  return {
    test,
    bareMbps: bare ?? null,
    overlayMbps: overlay ?? null,
    ratio: ratio ?? null,
    rating: ratio === undefined ? null : rateRatio(ratio),
    samples: { overlay: mbps('overlay'), bare: mbps('bare') },
    ...(test === 'udp' ? { lostPercent: perLeg('lostPercent'), datagramBytes: perLeg('datagramBytes') } : {}),
    ...(test === 'http' || test === 'ftp' || test === 'scp' ? { fetchMs: perLeg('fetchMs') } : {}),
    usage: { overlay: usage('overlay'), bare: usage('bare') },
    errors,
  };
}

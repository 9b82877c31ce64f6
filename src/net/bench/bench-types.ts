import type { Rating } from '../../commands/ratings.js';

/** Kinds of network config (see config/schema-network.ts). */
export type NetworkKind = 'weave' | 'flannel' | 'routed' | 'host' | 'docker-network';

import { BENCH_TESTS, type BenchTest, DEFAULT_BENCH_TESTS } from '../../commands/bench-tests.js';

export { BENCH_TESTS, type BenchTest, DEFAULT_BENCH_TESTS };

/** Human labels for tables and charts. */
export const BENCH_TEST_LABELS: Record<BenchTest, string> = {
  tcp: 'TCP 1 stream',
  tcpMulti: 'TCP multi-stream',
  udp: 'UDP',
  http: 'HTTP',
  ftp: 'FTP',
  scp: 'SCP',
};

/** The two sides of every comparison: the named network and the hosts' own network. */
export type BenchLeg = 'overlay' | 'bare';

/** Average use of one host over a window. */
export interface HostUsage {
  /** Busy share of all CPUs (user+nice+system+iowait+steal, as knb), in permil. */
  cpuPermil: number;
  /** Used memory (MemTotal − MemAvailable), in MB. */
  ramMB: number;
}

/** Usage of the client and server hosts over a window; undefined when sampling failed. */
export interface PairUsage {
  client?: HostUsage;
  server?: HostUsage;
}

/** One measurement (e.g. UDP) on both legs, medians over the repeats. */
export interface TestResult {
  test: BenchTest;
  bareMbps: number | null;
  overlayMbps: number | null;
  /** overlay / bare; null when a side failed. */
  ratio: number | null;
  rating: Rating | null;
  /** Every repeat's Mbit/s, per leg. */
  samples: Record<BenchLeg, number[]>;
  /** UDP: median datagram loss per leg, percent (shown only when the iperf3 versions make it reliable). */
  lostPercent?: Record<BenchLeg, number | null>;
  /** UDP: datagram payload size per leg (iperf3's blksize: with -b 0 the control connection's MSS). */
  datagramBytes?: Record<BenchLeg, number | null>;
  /** HTTP, FTP, SCP: median time of one fetch per leg, ms (a payload fetched in a few ms measures start-up, not the link). */
  fetchMs?: Record<BenchLeg, number | null>;
  /** Host usage during this test, per leg (averaged over repeats). */
  usage: Record<BenchLeg, PairUsage>;
  /** Failures, e.g. "overlay repeat 1: iperf3 client died (container … is not running)". */
  errors: string[];
}

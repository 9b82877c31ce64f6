import type { Iperf3Versions, WeaveLink } from '../net/bench/bench-facts.js';
import type { UnderlayFacts } from '../net/bench/bench-setup.js';
import type { PairUsage, TestResult } from '../net/bench/bench-types.js';
import type { MtuAnalysis } from '../net/bench/mtu-advice.js';

/** Everything a finished /cni-bench run hands to the report. */
export interface CniBenchOutcome {
  runId: string;
  network: string;
  from: string;
  to: string;
  durationMs: number;
  streams: number;
  repeat: number;
  mtu: MtuAnalysis;
  underlay: UnderlayFacts[];
  /** The interface the overlay address lives on inside the containers (found, not configured). */
  overlayIface?: string;
  /** Weave only: each host's view of the pair's connection. */
  weaveLinks?: WeaveLink[];
  /** iperf3 versions of both ends and whether UDP loss is reliable. */
  iperf3?: Iperf3Versions;
  /** UDP ran without -O: the client's iperf3 (< 3.11) prints no receiver sum, the rate is derived from the loss. */
  udpWithoutOmit?: boolean;
  /** Size of the HTTP payload, MiB. */
  httpPayloadMB?: number;
  /** Size of the FTP/SCP file, MiB, when those tests ran. */
  transferPayloadMB?: number;
  idle: PairUsage;
  tests: TestResult[];
  chart?: string;
  /** Cleanup trouble (containers that could not be removed). */
  warnings: string[];
}

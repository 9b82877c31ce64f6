import type { BenchTest, NetworkKind } from './bench-types.js';

/**
 * Figures the CNI benchmark study published (Ducastel, ITNEXT; summarised with sources in
 * ../shared/reference/network-bench-and-isolation.md §2.4 and §4), for `/cni-bench compare … published=yes`.
 * 2019: only relative statements exist in text (per-CNI numbers are chart images); 2020: derived means over the
 * published raw knb results (single-stream pod-to-pod TCP, no bare-metal row, so Mbit/s only).
 */
export interface PublishedFigure {
  /** The CNI and release as benchmarked. */
  cni: string;
  year: 2019 | 2020;
  test: BenchTest;
  /** Throughput relative to bare metal, when the study gave one. */
  ratio?: number;
  /** Absolute Mbit/s, when the study gave one. */
  mbps?: number;
  /** The CNI's MTU in that run. */
  mtu?: number;
  /** The statement as published. */
  note: string;
}

/** The conditions every published figure was measured under. */
export const PUBLISHED_CONDITIONS = '3 bare-metal servers, 10 Gbit/s switch, underlay MTU 9000, one stream';

const WEAVE: readonly PublishedFigure[] = [
  { cni: 'WeaveNet 2.5.1', year: 2019, test: 'http', ratio: 0.8, mtu: 8950, note: 'HTTP ~20 % below bare metal' },
  { cni: 'WeaveNet 2.5.1', year: 2019, test: 'ftp', ratio: 0.83, mtu: 8950, note: 'FTP 17 % below bare metal' },
  { cni: 'Weave 2.7.0', year: 2020, test: 'tcp', mbps: 4880, mtu: 1376, note: 'pod-to-pod TCP at the default MTU' },
  { cni: 'Weave 2.7.0', year: 2020, test: 'tcp', mbps: 9759, mtu: 8916, note: 'pod-to-pod TCP with WEAVE_MTU=8916' },
];

/**
 * The published figures of the study's CNI that matches a network kind: Weave → WeaveNet. flannel (VXLAN, "very
 * good" FTP in 2019) and routed datapaths (Kube-router: "very good" FTP) have only ratings in the text, no figure.
 */
export function publishedFiguresFor(
  kind: NetworkKind,
): { cni: string; figures: readonly PublishedFigure[] } | undefined {
  if (kind === 'weave') return { cni: 'WeaveNet', figures: WEAVE };
  if (kind === 'flannel') return { cni: 'Flannel 0.11', figures: [] };
  if (kind === 'routed') return { cni: 'Kube-router 0.2.5', figures: [] };
  return undefined;
}

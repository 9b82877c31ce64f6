import type { NetworkKind } from './bench-types.js';

/**
 * Published 2020 pod-to-pod figures (InfraBuilder/benchmark-k8s-cni-2020-08, derived means, Mbit/s) used to say
 * what raising a default overlay MTU to the jumbo value is expected to bring. Weave: 1376 vs WEAVE_MTU=8916;
 * Calico stands in for other VXLAN overlays: 1440 vs 8940.
 */
export const PUBLISHED_MTU_GAINS = Object.freeze({
  weave: { source: 'Weave 2.7 at MTU 1376 vs WEAVE_MTU=8916 (2020)', tcp: 9759 / 4880, udp: 9593 / 1809 },
  other: { source: 'Calico at MTU 1440 vs 8940 (2020)', tcp: 9834 / 8787, udp: 9757 / 1872 },
});

/** Bytes an overlay needs on top of its MTU: Weave's docs ask for 84–87 (VXLAN + headers), VXLAN 50. */
const HEADROOM_BYTES: Record<NetworkKind, number> = { weave: 84, flannel: 50, 'docker-network': 50, host: 0 };

/** What the bench concluded about MTUs. */
export interface MtuAnalysis {
  /** Lowest underlay MTU of the two hosts (the path carries no more). */
  underlay: number | undefined;
  overlay: number | undefined;
  /** MTU to set on the overlay; undefined when there is nothing to recommend (host network, unknown MTUs). */
  recommended: number | undefined;
  /** True when the overlay runs a default-size MTU on a jumbo-frame underlay (the Weave 1376-on-9000 case). */
  flagged: boolean;
  /** The overlay MTU does not fit into the underlay plus the encapsulation headroom. */
  tooLarge: boolean;
  /** One sentence for the report. */
  advice: string;
  /** Expected throughput factors from the published figures, when flagged. */
  expectedGain?: { tcp: number; udp: number; source: string };
}

/** Largest MTU for an overlay of `kind` on `underlayMtu`; Weave wants a multiple of 4 (else it falls back to sleeve). */
export function recommendOverlayMtu(kind: NetworkKind, underlayMtu: number): number | undefined {
  if (kind === 'host') return undefined;
  const fit = underlayMtu - HEADROOM_BYTES[kind];
  return kind === 'weave' ? Math.floor(fit / 4) * 4 : fit;
}

/**
 * Compares the overlay's MTU with the underlay's. Flags a standard-size overlay MTU (≤ 1500) on a jumbo underlay
 * and recommends the value to set, e.g. Weave 1376 on 9000 → `WEAVE_MTU=8916`, expecting ~2× TCP and ~5× UDP.
 */
export function analyzeMtu(input: {
  kind: NetworkKind;
  networkName: string;
  underlayMtus: readonly number[];
  overlayMtu: number | undefined;
}): MtuAnalysis {
  const known = input.underlayMtus.filter((m) => Number.isFinite(m) && m > 0);
  const underlay = known.length > 0 ? Math.min(...known) : undefined;
  const overlay = input.overlayMtu;
  if (underlay === undefined || overlay === undefined || input.kind === 'host') {
    return {
      underlay,
      overlay,
      recommended: undefined,
      flagged: false,
      tooLarge: false,
      advice:
        input.kind === 'host'
          ? 'host network: no encapsulation, nothing to tune'
          : 'MTU unknown: could not read the interfaces, no recommendation',
    };
  }
  const recommended = recommendOverlayMtu(input.kind, underlay);
  const setting = input.kind === 'weave' ? `WEAVE_MTU=${recommended}` : `MTU ${recommended} on ${input.networkName}`;
  if (recommended !== undefined && overlay > recommended) {
    return {
      underlay,
      overlay,
      recommended,
      flagged: false,
      tooLarge: true,
      advice: `overlay MTU ${overlay} does not fit the underlay's ${underlay} with the encapsulation headroom: expect fragmentation${input.kind === 'weave' ? ' or a fallback to sleeve' : ''}; set ${setting}`,
    };
  }
  const flagged = underlay > 1500 && overlay <= 1500 && recommended !== undefined && recommended > overlay;
  if (!flagged) {
    return {
      underlay,
      overlay,
      recommended,
      flagged,
      tooLarge: false,
      advice: `overlay MTU ${overlay} suits the underlay's ${underlay}`,
    };
  }
  const published = input.kind === 'weave' ? PUBLISHED_MTU_GAINS.weave : PUBLISHED_MTU_GAINS.other;
  const expectedGain = { tcp: published.tcp, udp: published.udp, source: published.source };
  return {
    underlay,
    overlay,
    recommended,
    flagged,
    tooLarge: false,
    advice: `default-size overlay MTU ${overlay} on a jumbo-frame underlay (${underlay}): set ${setting}; expected gain ~${expectedGain.tcp.toFixed(1)}× TCP, ~${expectedGain.udp.toFixed(1)}× UDP (${published.source})`,
    expectedGain,
  };
}

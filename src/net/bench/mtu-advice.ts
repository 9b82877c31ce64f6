import type { NetworkKind } from './bench-types.js';

/**
 * Published 2020 pod-to-pod TCP figures (InfraBuilder/benchmark-k8s-cni-2020-08, derived means, Mbit/s) behind the
 * gain expected from raising a default overlay MTU, with the conditions they were measured under: 10 Gbit/s,
 * unencrypted, one iperf3 stream (knb). Weave: 1376 vs WEAVE_MTU=8916; Calico stands in for other VXLAN
 * overlays: 1440 vs 8940. The UDP runs used `-w 256K` (knb -sbs 256K), which the bench does not, so no UDP factor
 * is carried.
 */
export const PUBLISHED_MTU_GAINS = Object.freeze({
  weave: { source: 'Weave 2.7 at MTU 1376 vs WEAVE_MTU=8916 (2020)', tcp: 9759 / 4880 },
  other: { source: 'Calico at MTU 1440 vs 8940 (2020)', tcp: 9834 / 8787 },
});

/** Conditions of {@link PUBLISHED_MTU_GAINS}; a factor is shown only for a run under the same ones. */
const PUBLISHED_GAIN_CONDITIONS = Object.freeze({ linkMbps: 10_000, encrypted: false, streams: 1 });

/**
 * Bytes Weave's fast datapath needs on top of its MTU: its heartbeat is an Ethernet frame of MTU + 14 bytes sent
 * through VXLAN (weaveworks/weave v2.8.1 router/fastdp.go:785), i.e. + 8 VXLAN + 8 UDP + 20 IPv4 = MTU + 50. A
 * connection whose heartbeat does not arrive falls back to sleeve.
 */
const WEAVE_FASTDP_OVERHEAD_BYTES = 50;
/**
 * With encryption fastdp also carries ESP: Weave's default 1376 is 1460 − 84 (net/bridge.go:381-389: 20 IP, 8 UDP,
 * 8 VXLAN, 14 Ethernet, 34 ESP), and the docs ask for "overheads of around 84-87 bytes (the final MTU should be
 * divisible by four)" (site/tasks/manage/fastdp.md).
 */
const WEAVE_ENCRYPTED_OVERHEAD_BYTES = 84;

/**
 * The exact encrypted fastdp headroom for an MTU: ESP (RFC 4303, AES-GCM per RFC 4106: SPI+sequence 8, IV 8,
 * trailer 2, ICV 16 = 34) pads its payload (UDP 8 + VXLAN 8 + Ethernet 14 + MTU) plus trailer to 4 bytes, so an MTU
 * not divisible by four costs up to 3 bytes more: the documented 84-87.
 */
export function weaveEncryptedOverhead(mtu: number): number {
  return WEAVE_ENCRYPTED_OVERHEAD_BYTES + ((4 - (mtu % 4)) % 4);
}
/** Weave's sleeve bridge MTU (WEAVE_NO_FASTDP without WEAVE_MTU): net/bridge.go:317-318. */
const WEAVE_SLEEVE_BRIDGE_MTU = 65535;

/** VXLAN headroom of other overlays (flannel: device MTU = ext − 50, flannel pkg/backend/vxlan/device.go:63). */
const VXLAN_OVERHEAD_BYTES = 50;

/** How Weave carries the traffic, from `weave status connections` on both hosts. */
export interface DatapathView {
  /** fastdp, sleeve, or mixed (the two ends disagree, or one connection is down). Undefined: not known. */
  mode?: 'fastdp' | 'sleeve' | 'mixed';
  /** True when any connection of the pair is encrypted; undefined when not known. */
  encrypted?: boolean;
  /** Path MTU sleeve verified (`mtu=` of a sleeve connection). */
  sleeveMtu?: number;
}

/** What the bench concluded about MTUs. */
export interface MtuAnalysis {
  /** Lowest underlay MTU of the two hosts (the path carries no more). */
  underlay: number | undefined;
  overlay: number | undefined;
  /** MTU to set on the overlay; undefined when there is nothing to recommend (host network, unknown MTUs). */
  recommended: number | undefined;
  /** Worth a warning: a default-size MTU on a jumbo-frame underlay, or Weave running sleeve. */
  flagged: boolean;
  /** The overlay MTU does not fit into the underlay plus the datapath's headroom. */
  tooLarge: boolean;
  /** Weave's datapath for this pair, when read. */
  datapath?: DatapathView;
  /** One or two sentences for the report. */
  advice: string;
  /** The published TCP factor, only when this run's conditions match the ones it was measured under. */
  expectedGain?: { tcp: number; source: string; conditions: typeof PUBLISHED_GAIN_CONDITIONS };
  /** Why a published factor is not shown although the MTU was flagged. */
  gainOmitted?: string;
}

/**
 * Largest MTU to recommend for an overlay of `kind` on `underlayMtu`. Weave: the documented rule (84 bytes, a
 * multiple of 4), which also holds with encryption; other VXLAN overlays: underlay − 50.
 */
export function recommendOverlayMtu(kind: NetworkKind, underlayMtu: number): number | undefined {
  if (kind === 'host') return undefined;
  // Routed (no encapsulation: flannel host-gw, Calico BGP without IPIP/VXLAN, kube-router): packets cross the
  // underlay as they are, so the container MTU can be the underlay's.
  if (kind === 'routed') return underlayMtu;
  if (kind === 'weave') return Math.floor((underlayMtu - WEAVE_ENCRYPTED_OVERHEAD_BYTES) / 4) * 4;
  return underlayMtu - VXLAN_OVERHEAD_BYTES;
}

/** Input of {@link analyzeMtu}. */
export interface MtuInput {
  kind: NetworkKind;
  networkName: string;
  underlayMtus: readonly number[];
  overlayMtu: number | undefined;
  datapath?: DatapathView;
  /** Underlay link speeds of both hosts (Mbit/s); an unknown speed keeps published factors out. */
  linkSpeedsMbps?: ReadonlyArray<number | undefined>;
}

/**
 * Compares the overlay's MTU with the underlay's, per datapath: Weave fastdp needs MTU + 50 (+ ESP when
 * encrypted), sleeve finds its own path MTU (65535 on its bridge is by design), other VXLAN overlays need 50.
 * Flags a standard-size overlay MTU on a jumbo underlay and recommends the value to set, e.g. Weave 1376 on 9000 →
 * `WEAVE_MTU=8916`.
 */
export function analyzeMtu(input: MtuInput): MtuAnalysis {
  const known = input.underlayMtus.filter((m) => Number.isFinite(m) && m > 0);
  const underlay = known.length > 0 ? Math.min(...known) : undefined;
  const overlay = input.overlayMtu;
  const base = { underlay, overlay, ...(input.datapath ? { datapath: input.datapath } : {}) };
  if (underlay === undefined || overlay === undefined || input.kind === 'host') {
    return {
      ...base,
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
  const mode = input.datapath?.mode;
  if (input.kind === 'weave' && (mode === 'sleeve' || mode === 'mixed')) {
    return { ...base, recommended, ...adviseSleeve(overlay, underlay, recommended, input.datapath) };
  }
  return { ...base, recommended, ...adviseFastdp(input, overlay, underlay, recommended) };
}

/** Headroom the datapath needs above the overlay MTU: fastdp 50, encrypted fastdp 84-87, other VXLAN 50. */
function headroomOf(kind: NetworkKind, overlay: number, encrypted: boolean): number {
  if (kind === 'routed') return 0;
  if (kind !== 'weave') return VXLAN_OVERHEAD_BYTES;
  return encrypted ? weaveEncryptedOverhead(overlay) : WEAVE_FASTDP_OVERHEAD_BYTES;
}

/** Advice for an in-kernel VXLAN datapath (Weave fastdp, flannel, other overlays). */
function adviseFastdp(
  input: MtuInput,
  overlay: number,
  underlay: number,
  recommended: number | undefined,
): Omit<MtuAnalysis, 'underlay' | 'overlay' | 'recommended' | 'datapath'> {
  const weave = input.kind === 'weave';
  const encrypted = input.datapath?.encrypted === true;
  const headroom = headroomOf(input.kind, overlay, encrypted);
  const setting = weave ? `WEAVE_MTU=${recommended}` : `MTU ${recommended} on ${input.networkName}`;
  if (overlay + headroom > underlay) {
    const what = weave
      ? `Weave fastdp${encrypted ? ' with encryption' : ''}`
      : input.kind === 'routed'
        ? 'a routed network'
        : 'VXLAN';
    const expect = weave ? 'a fallback to sleeve' : 'fragmentation or drops';
    return {
      flagged: false,
      tooLarge: true,
      advice: `overlay MTU ${overlay} does not fit the underlay's ${underlay}: ${what} needs ${headroom} bytes more; expect ${expect}; set ${setting}`,
    };
  }
  const flagged = underlay > 1500 && overlay <= 1500 && recommended !== undefined && recommended > overlay;
  if (!flagged) {
    const roomy = weave && !encrypted && recommended !== undefined && overlay > recommended;
    const note = roomy
      ? ` (fastdp needs ${WEAVE_FASTDP_OVERHEAD_BYTES} bytes; with encryption it would need ${WEAVE_ENCRYPTED_OVERHEAD_BYTES}: Weave's docs suggest ${recommended})`
      : '';
    return { flagged, tooLarge: false, advice: `overlay MTU ${overlay} suits the underlay's ${underlay}${note}` };
  }
  const gain = publishedGain(input, encrypted);
  const expected = gain.expectedGain
    ? `; expected gain ~${gain.expectedGain.tcp.toFixed(1)}× single-stream TCP (${gain.expectedGain.source}, at 10 Gbit/s, unencrypted)`
    : '';
  return {
    flagged,
    tooLarge: false,
    advice: `default-size overlay MTU ${overlay} on a jumbo-frame underlay (${underlay}): set ${setting}${expected}`,
    ...gain,
  };
}

function adviseSleeve(
  overlay: number,
  underlay: number,
  recommended: number | undefined,
  datapath: DatapathView | undefined,
): Pick<MtuAnalysis, 'flagged' | 'tooLarge' | 'advice'> {
  const verified = datapath?.sleeveMtu ? `, path MTU ${datapath.sleeveMtu} verified by sleeve` : '';
  const which = datapath?.mode === 'mixed' ? 'some connections run' : 'Weave runs';
  if (overlay >= WEAVE_SLEEVE_BRIDGE_MTU) {
    return {
      flagged: true,
      tooLarge: false,
      advice: `${which} sleeve, Weave's userspace datapath, by configuration (WEAVE_NO_FASTDP: MTU ${overlay} is its bridge default${verified}): expect far less throughput than fastdp; relaunch without WEAVE_NO_FASTDP and with WEAVE_MTU=${recommended}`,
    };
  }
  const need = datapath?.encrypted ? weaveEncryptedOverhead(overlay) : WEAVE_FASTDP_OVERHEAD_BYTES;
  if (overlay + need > underlay) {
    return {
      flagged: true,
      tooLarge: true,
      advice: `${which} sleeve: fastdp fell back because WEAVE_MTU ${overlay} + ${need} bytes${datapath?.encrypted ? ' (with ESP)' : ''} exceeds the underlay's ${underlay}${verified}; set WEAVE_MTU=${recommended}`,
    };
  }
  return {
    flagged: true,
    tooLarge: false,
    advice: `${which} sleeve although MTU ${overlay} fits fastdp${verified}: check that UDP 6784 passes between the hosts and that the openvswitch kernel module loads (Weave fastdp docs)`,
  };
}

/** The published factor when this run matches its conditions; otherwise why it is left out. */
function publishedGain(input: MtuInput, encrypted: boolean): Pick<MtuAnalysis, 'expectedGain' | 'gainOmitted'> {
  const published = input.kind === 'weave' ? PUBLISHED_MTU_GAINS.weave : PUBLISHED_MTU_GAINS.other;
  const c = PUBLISHED_GAIN_CONDITIONS;
  const speeds = input.linkSpeedsMbps ?? [];
  const measuredUnder = `${published.source} was measured at ${c.linkMbps / 1000} Gbit/s, unencrypted, ${c.streams} stream`;
  if (encrypted) return { gainOmitted: `${measuredUnder}; this connection is encrypted` };
  if (input.kind === 'weave' && input.datapath?.encrypted === undefined && input.datapath?.mode === undefined) {
    return { gainOmitted: `${measuredUnder}; this run could not read whether Weave encrypts` };
  }
  if (speeds.length === 0 || speeds.some((s) => s === undefined)) {
    return { gainOmitted: `${measuredUnder}; the underlay's link speed is unknown` };
  }
  const other = speeds.find((s) => s !== c.linkMbps);
  if (other !== undefined) return { gainOmitted: `${measuredUnder}; this underlay runs at ${other} Mbit/s` };
  return { expectedGain: { tcp: published.tcp, source: published.source, conditions: c } };
}

/** Sums up Weave's per-host connection views into one {@link DatapathView}. */
export function summarizeDatapath(
  links: ReadonlyArray<{ datapath?: string; encrypted?: boolean; mtu?: number }>,
): DatapathView | undefined {
  if (links.length === 0) return undefined;
  const modes = new Set(links.map((l) => l.datapath ?? 'down'));
  const mode =
    modes.size === 1 && (modes.has('fastdp') || modes.has('sleeve'))
      ? (links[0]?.datapath as 'fastdp' | 'sleeve')
      : 'mixed';
  const encryptedKnown = links.filter((l) => l.encrypted !== undefined);
  const sleeveMtu = links.find((l) => l.datapath === 'sleeve' && l.mtu)?.mtu;
  return {
    mode,
    // A router without a password prints neither word: nothing is encrypted.
    encrypted: encryptedKnown.length > 0 ? encryptedKnown.some((l) => l.encrypted) : false,
    ...(sleeveMtu ? { sleeveMtu } : {}),
  };
}

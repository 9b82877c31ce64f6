import type { Iperf3Versions, WeaveLink } from '../net/bench/bench-facts.js';
import type { TestResult } from '../net/bench/bench-types.js';
import { roundTo } from '../net/bench/stats.js';
import type { CniBenchOutcome } from './cni-bench-outcome.js';
import type { ReportBlock } from './model.js';

// The /cni-bench report's detail: MTU and datapath, iperf3 versions, UDP datagrams and loss, the HTTP method, and
// the JSON fields that carry them.

/** How the HTTP figure is measured (shown in the report and its JSON). */
const HTTP_METHOD =
  'curl inside the client container, bytes over request-to-last-byte time (no SSH, docker exec or TCP handshake)';

/**
 * Below this a fetch is too short for the rate: curl's clock leaves out SSH, exec and the handshake, but TCP's ramp
 * and the server's file set-up (around a millisecond on a LAN) are still inside, a few percent of 50 ms.
 */
const MIN_FETCH_MS = 50;

/** UDP datagrams and loss, and how HTTP was measured (with a warning when fetches are too short). */
export function detailBlocks(o: CniBenchOutcome, byTest: Record<string, TestResult>): ReportBlock[] {
  const blocks: ReportBlock[] = [];
  const udp = byTest.udp;
  if (udp) {
    const size = (v: number | null | undefined) => (v ? `${v} B` : '?');
    const parts = [
      `UDP datagrams: bare metal ${size(udp.datagramBytes?.bare)}, ${o.network} ${size(udp.datagramBytes?.overlay)} (iperf3 -b 0 sends the control connection's MSS)`,
    ];
    if (o.udpWithoutOmit) {
      parts.push(
        `the client's iperf3 ${o.iperf3?.client?.text ?? ''} prints no UDP receiver sum (3.11+), so UDP ran without -O 1 and its receiver rate is the sender's less the lost share`,
      );
    }
    if (o.iperf3?.loss.reliable && udp.lostPercent) {
      parts.push(
        `loss: bare metal ${fmtPercent(udp.lostPercent.bare)}, ${o.network} ${fmtPercent(udp.lostPercent.overlay)}`,
      );
    } else if (o.iperf3 && !o.iperf3.loss.reliable) {
      parts.push(`loss not shown: ${o.iperf3.loss.reason}`);
    }
    blocks.push({ kind: 'text', text: `${parts.join('; ')}.` });
  }
  const http = byTest.http;
  if (http) {
    const ms = (v: number | null | undefined) => (v === null || v === undefined ? '?' : `${Math.round(v)} ms`);
    blocks.push({
      kind: 'text',
      text: `HTTP: ${o.httpPayloadMB ?? '?'} MiB created in the server container, fetched with ${HTTP_METHOD}; median fetch bare metal ${ms(http.fetchMs?.bare)}, ${o.network} ${ms(http.fetchMs?.overlay)}.`,
    });
    const short = Math.min(http.fetchMs?.bare ?? Infinity, http.fetchMs?.overlay ?? Infinity);
    if (short < MIN_FETCH_MS) {
      blocks.push({
        kind: 'alert',
        level: 'warning',
        text: `HTTP fetches took only ${Math.round(short)} ms: the payload is small for this link, so TCP's ramp-up weighs on the figure; raise bench.http.payloadMB (about ${suggestPayloadMB(http, o.httpPayloadMB)} MiB takes a second)`,
      });
    }
  }
  const ms = (v: number | null | undefined) => (v === null || v === undefined ? '?' : `${Math.round(v)} ms`);
  const ftp = byTest.ftp;
  if (ftp) {
    blocks.push({
      kind: 'text',
      text: `FTP: a ${o.transferPayloadMB ?? '?'} MiB file of random bytes in a vsftpd container, fetched with curl (request to last byte, as HTTP); median fetch bare metal ${ms(ftp.fetchMs?.bare)}, ${o.network} ${ms(ftp.fetchMs?.overlay)}.`,
    });
  }
  const scp = byTest.scp;
  if (scp) {
    blocks.push({
      kind: 'text',
      text: `SCP: the same size copied with scp between two OpenSSH containers, rate from ssh -v ("Bytes per second", as the 2019 benchmark); SSH encryption is inside the figure on both legs; median copy bare metal ${ms(scp.fetchMs?.bare)}, ${o.network} ${ms(scp.fetchMs?.overlay)}.`,
    });
  }
  return blocks;
}

function suggestPayloadMB(http: TestResult, payloadMB: number | undefined): number {
  const fastest = Math.max(http.bareMbps ?? 0, http.overlayMbps ?? 0);
  return Math.max(payloadMB ?? 1, Math.ceil(fastest / 8 / 1.048576));
}

function describeLink(l: WeaveLink): string {
  const mode = l.datapath ?? l.state;
  const enc = l.encrypted === undefined ? 'unencrypted (no password)' : l.encrypted ? 'encrypted' : 'unencrypted';
  return `${l.host} → ${l.peer} ${mode}, ${enc}${l.mtu ? `, mtu ${l.mtu}` : ''}`;
}

function describeVersions(v: Iperf3Versions): string {
  return `client ${v.client?.text ?? '?'}, server ${v.server?.text ?? '?'}`;
}

/** The MTU field, datapath and iperf3 versions, and the MTU advice. */
export function mtuBlocks(o: CniBenchOutcome): ReportBlock[] {
  const iface = o.overlayIface ? ` (${o.overlayIface})` : '';
  const recommend = o.mtu.recommended !== undefined ? ` → recommend ${o.mtu.recommended}` : '';
  const blocks: ReportBlock[] = [
    {
      kind: 'fields',
      fields: [
        {
          label: 'MTU',
          value: `underlay ${o.mtu.underlay ?? '?'}, overlay ${o.mtu.overlay ?? '?'}${iface}${recommend}`,
        },
        ...(o.weaveLinks?.length ? [{ label: 'Datapath', value: o.weaveLinks.map(describeLink).join('; ') }] : []),
        ...(o.iperf3 ? [{ label: 'iperf3', value: describeVersions(o.iperf3) }] : []),
      ],
    },
  ];
  if (o.mtu.flagged || o.mtu.tooLarge) blocks.push({ kind: 'alert', level: 'warning', text: o.mtu.advice });
  else blocks.push({ kind: 'text', text: o.mtu.advice });
  if (o.mtu.gainOmitted && o.mtu.flagged) {
    blocks.push({ kind: 'text', text: `Published gain not shown: ${o.mtu.gainOmitted}.` });
  }
  return blocks;
}

/** Report JSON: `mtu`, `datapath`, `iperf3`, `http`. */
export function factsJson(o: CniBenchOutcome): Record<string, unknown> {
  const m = o.mtu;
  return {
    mtu: {
      underlay: m.underlay ?? null,
      overlay: m.overlay ?? null,
      recommended: m.recommended ?? null,
      flagged: m.flagged,
      tooLarge: m.tooLarge,
      advice: m.advice,
      ...(m.expectedGain ? { expectedGain: m.expectedGain } : {}),
      ...(m.gainOmitted ? { gainOmitted: m.gainOmitted } : {}),
      ...(o.overlayIface ? { overlayIface: o.overlayIface } : {}),
      perHost: o.underlay,
    },
    ...(m.datapath || o.weaveLinks ? { datapath: { ...(m.datapath ?? {}), links: o.weaveLinks ?? [] } } : {}),
    iperf3: {
      client: o.iperf3?.client?.text ?? null,
      server: o.iperf3?.server?.text ?? null,
      lossReliable: o.iperf3?.loss.reliable ?? false,
      ...(o.iperf3 && !o.iperf3.loss.reliable ? { lossOmitted: o.iperf3.loss.reason } : {}),
    },
    http: { method: HTTP_METHOD, payloadMB: o.httpPayloadMB ?? null },
  };
}

/** Report JSON `results`: per test the figures, and loss only when the iperf3 versions make it reliable. */
export function resultsJson(o: CniBenchOutcome): Record<string, unknown> {
  const round = (v: number | null, digits: number) => (v === null ? null : roundTo(v, digits));
  return Object.fromEntries(
    o.tests.map((t) => [
      t.test,
      {
        bareMbps: round(t.bareMbps, 1),
        overlayMbps: round(t.overlayMbps, 1),
        ratio: round(t.ratio, 3),
        rating: t.rating,
        samples: t.samples,
        ...(t.lostPercent && o.iperf3?.loss.reliable ? { lostPercent: t.lostPercent } : {}),
        ...(t.datagramBytes ? { datagramBytes: t.datagramBytes } : {}),
        ...(t.fetchMs ? { fetchMs: t.fetchMs } : {}),
        ...(t.errors.length ? { errors: t.errors } : {}),
      },
    ]),
  );
}

function fmtPercent(v: number | null): string {
  return v === null ? '?' : `${v.toFixed(2)} %`;
}

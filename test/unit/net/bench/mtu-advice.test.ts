import { describe, expect, it } from 'vitest';
import {
  analyzeMtu,
  PUBLISHED_MTU_GAINS,
  recommendOverlayMtu,
  summarizeDatapath,
  weaveEncryptedOverhead,
} from '../../../../src/net/bench/mtu-advice.js';

const fastdp = { mode: 'fastdp' as const, encrypted: false };
const tenGig = [10_000, 10_000];

describe('recommendOverlayMtu', () => {
  it('leaves Weave its documented 84 bytes of headroom and rounds down to a multiple of 4', () => {
    expect(recommendOverlayMtu('weave', 9000)).toBe(8916);
    expect(recommendOverlayMtu('weave', 9001)).toBe(8916);
    expect(recommendOverlayMtu('weave', 1500)).toBe(1416);
    for (let u = 1200; u <= 9216; u += 7) {
      const r = recommendOverlayMtu('weave', u) ?? 0;
      expect(r % 4).toBe(0);
      expect(u - r).toBeGreaterThanOrEqual(84);
      expect(u - r).toBeLessThan(88);
    }
  });

  it('uses VXLAN overhead for flannel and nothing for the host network', () => {
    expect(recommendOverlayMtu('flannel', 9000)).toBe(8950);
    expect(recommendOverlayMtu('host', 9000)).toBeUndefined();
  });
});

describe('analyzeMtu', () => {
  it('flags Weave 1376 on 9000 and shows the published TCP gain with its conditions on a 10 Gbit/s link', () => {
    const a = analyzeMtu({
      kind: 'weave',
      networkName: 'weave',
      underlayMtus: [9000, 9000],
      overlayMtu: 1376,
      datapath: fastdp,
      linkSpeedsMbps: tenGig,
    });
    expect(a).toMatchObject({ underlay: 9000, overlay: 1376, recommended: 8916, flagged: true, tooLarge: false });
    expect(a.advice).toContain('WEAVE_MTU=8916');
    expect(a.advice).toContain('at 10 Gbit/s, unencrypted');
    expect(a.expectedGain?.tcp).toBeCloseTo(PUBLISHED_MTU_GAINS.weave.tcp, 6);
    expect(a.expectedGain?.conditions).toEqual({ linkMbps: 10_000, encrypted: false, streams: 1 });
  });

  it('omits the published gain, saying why, when the run does not match its conditions', () => {
    const base = { kind: 'weave' as const, networkName: 'weave', underlayMtus: [9000], overlayMtu: 1376 };
    const slow = analyzeMtu({ ...base, datapath: fastdp, linkSpeedsMbps: [1000, 10_000] });
    expect(slow.flagged).toBe(true);
    expect(slow.expectedGain).toBeUndefined();
    expect(slow.gainOmitted).toContain('this underlay runs at 1000 Mbit/s');
    expect(slow.advice).not.toContain('expected gain');
    const unknown = analyzeMtu({ ...base, datapath: fastdp, linkSpeedsMbps: [10_000, undefined] });
    expect(unknown.gainOmitted).toContain('link speed is unknown');
    const encrypted = analyzeMtu({ ...base, datapath: { mode: 'fastdp', encrypted: true }, linkSpeedsMbps: tenGig });
    expect(encrypted.gainOmitted).toContain('encrypted');
    const unread = analyzeMtu({ ...base, linkSpeedsMbps: tenGig });
    expect(unread.gainOmitted).toContain('could not read whether Weave encrypts');
  });

  it('accepts a working 8950 on fastdp without encryption (fastdp needs MTU + 50), noting the encrypted rule', () => {
    const a = analyzeMtu({
      kind: 'weave',
      networkName: 'weave',
      underlayMtus: [9000],
      overlayMtu: 8950,
      datapath: fastdp,
    });
    expect(a).toMatchObject({ tooLarge: false, flagged: false, recommended: 8916 });
    expect(a.advice).toMatch(
      /^overlay MTU 8950 suits the underlay's 9000 \(fastdp needs 50 bytes; with encryption it would need 84/,
    );
  });

  it('finds 8950 too large when the connection is encrypted (ESP needs 84-87 bytes)', () => {
    const a = analyzeMtu({
      kind: 'weave',
      networkName: 'weave',
      underlayMtus: [9000],
      overlayMtu: 8950,
      datapath: { mode: 'fastdp', encrypted: true },
    });
    expect(a.tooLarge).toBe(true);
    expect(a.advice).toContain('Weave fastdp with encryption needs 86 bytes more');
    expect(a.advice).toContain('WEAVE_MTU=8916');
  });

  it('explains sleeve by configuration (WEAVE_NO_FASTDP, bridge 65535) without calling it too large', () => {
    const a = analyzeMtu({
      kind: 'weave',
      networkName: 'weave',
      underlayMtus: [9000, 9000],
      overlayMtu: 65535,
      datapath: { mode: 'sleeve', encrypted: false, sleeveMtu: 8938 },
    });
    expect(a).toMatchObject({ flagged: true, tooLarge: false, recommended: 8916 });
    expect(a.advice).toContain('by configuration (WEAVE_NO_FASTDP');
    expect(a.advice).toContain('path MTU 8938 verified by sleeve');
  });

  it('explains a fallback to sleeve: a WEAVE_MTU too large for fastdp, or a network that blocks it', () => {
    const tooBig = analyzeMtu({
      kind: 'weave',
      networkName: 'weave',
      underlayMtus: [9000],
      overlayMtu: 8960,
      datapath: { mode: 'sleeve', encrypted: false, sleeveMtu: 8938 },
    });
    expect(tooBig).toMatchObject({ flagged: true, tooLarge: true });
    expect(tooBig.advice).toContain('fastdp fell back because WEAVE_MTU 8960 + 50 bytes exceeds the underlay');
    const blocked = analyzeMtu({
      kind: 'weave',
      networkName: 'weave',
      underlayMtus: [9000],
      overlayMtu: 1376,
      datapath: { mode: 'mixed', encrypted: false },
    });
    expect(blocked).toMatchObject({ flagged: true, tooLarge: false });
    expect(blocked.advice).toMatch(/^some connections run sleeve although MTU 1376 fits fastdp: check that UDP 6784/);
  });

  it('takes the smaller underlay MTU of the two hosts', () => {
    const a = analyzeMtu({ kind: 'weave', networkName: 'weave', underlayMtus: [9000, 1500], overlayMtu: 1376 });
    expect(a.underlay).toBe(1500);
    expect(a.flagged).toBe(false);
  });

  it('accepts flannel at underlay − 50 and flags more', () => {
    const f = analyzeMtu({ kind: 'flannel', networkName: 'flannel', underlayMtus: [9000, 9000], overlayMtu: 8950 });
    expect(f).toMatchObject({ flagged: false, tooLarge: false, recommended: 8950 });
    const big = analyzeMtu({ kind: 'flannel', networkName: 'flannel', underlayMtus: [1500], overlayMtu: 1500 });
    expect(big.tooLarge).toBe(true);
    expect(big.advice).toContain('fragmentation or drops');
  });

  it('recommends nothing when an MTU is unknown', () => {
    const a = analyzeMtu({ kind: 'weave', networkName: 'weave', underlayMtus: [], overlayMtu: 1376 });
    expect(a).toMatchObject({ recommended: undefined, flagged: false });
  });
});

describe('weaveEncryptedOverhead', () => {
  it('is the documented 84-87 bytes: 84 for an MTU divisible by four, ESP padding otherwise', () => {
    expect([8916, 8917, 8918, 8919].map(weaveEncryptedOverhead)).toEqual([84, 87, 86, 85]);
  });

  it('explains an encrypted fallback to sleeve with the ESP room it lacked', () => {
    const a = analyzeMtu({
      kind: 'weave',
      networkName: 'weave',
      underlayMtus: [9000],
      overlayMtu: 8950,
      datapath: { mode: 'sleeve', encrypted: true, sleeveMtu: 8914 },
    });
    expect(a).toMatchObject({ tooLarge: true, flagged: true });
    expect(a.advice).toContain('WEAVE_MTU 8950 + 86 bytes (with ESP) exceeds the underlay');
  });
});

describe('summarizeDatapath', () => {
  it('reads one mode when both ends agree, mixed otherwise; no password means unencrypted', () => {
    expect(summarizeDatapath([{ datapath: 'fastdp', mtu: 1376 }, { datapath: 'fastdp' }])).toEqual({
      mode: 'fastdp',
      encrypted: false,
    });
    expect(
      summarizeDatapath([
        { datapath: 'sleeve', mtu: 8938 },
        { datapath: 'sleeve', mtu: 8938 },
      ]),
    ).toEqual({
      mode: 'sleeve',
      encrypted: false,
      sleeveMtu: 8938,
    });
    expect(summarizeDatapath([{ datapath: 'fastdp' }, {}])?.mode).toBe('mixed');
    expect(
      summarizeDatapath([
        { datapath: 'fastdp', encrypted: true },
        { datapath: 'fastdp', encrypted: false },
      ])?.encrypted,
    ).toBe(true);
    expect(summarizeDatapath([])).toBeUndefined();
  });
});

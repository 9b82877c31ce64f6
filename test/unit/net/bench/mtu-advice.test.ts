import { describe, expect, it } from 'vitest';
import { analyzeMtu, PUBLISHED_MTU_GAINS, recommendOverlayMtu } from '../../../../src/net/bench/mtu-advice.js';

describe('recommendOverlayMtu', () => {
  it('leaves Weave its 84 bytes of headroom and rounds down to a multiple of 4', () => {
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
  it('flags Weave 1376 on a 9000 underlay and recommends WEAVE_MTU=8916 with the published gain', () => {
    const a = analyzeMtu({ kind: 'weave', networkName: 'weave', underlayMtus: [9000, 9000], overlayMtu: 1376 });
    expect(a).toMatchObject({ underlay: 9000, overlay: 1376, recommended: 8916, flagged: true, tooLarge: false });
    expect(a.advice).toContain('WEAVE_MTU=8916');
    expect(a.expectedGain?.tcp).toBeCloseTo(2, 0);
    expect(a.expectedGain?.udp).toBeCloseTo(PUBLISHED_MTU_GAINS.weave.udp, 6);
    expect(a.expectedGain?.udp).toBeGreaterThan(5);
  });

  it('takes the smaller underlay MTU of the two hosts', () => {
    const a = analyzeMtu({ kind: 'weave', networkName: 'weave', underlayMtus: [9000, 1500], overlayMtu: 1376 });
    expect(a.underlay).toBe(1500);
    expect(a.flagged).toBe(false);
  });

  it('accepts a tuned overlay and a flannel that fits', () => {
    expect(analyzeMtu({ kind: 'weave', networkName: 'weave', underlayMtus: [9000], overlayMtu: 8916 }).flagged).toBe(
      false,
    );
    const f = analyzeMtu({ kind: 'flannel', networkName: 'flannel', underlayMtus: [9000, 9000], overlayMtu: 8950 });
    expect(f).toMatchObject({ flagged: false, tooLarge: false, recommended: 8950 });
  });

  it('warns when the overlay MTU does not fit the underlay', () => {
    const a = analyzeMtu({ kind: 'weave', networkName: 'weave', underlayMtus: [1500], overlayMtu: 1500 });
    expect(a.tooLarge).toBe(true);
    expect(a.advice).toContain('sleeve');
  });

  it('recommends nothing when an MTU is unknown', () => {
    const a = analyzeMtu({ kind: 'weave', networkName: 'weave', underlayMtus: [], overlayMtu: 1376 });
    expect(a).toMatchObject({ recommended: undefined, flagged: false });
  });
});

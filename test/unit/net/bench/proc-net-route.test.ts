import { describe, expect, it } from 'vitest';
import { findDirectInterface, parseProcNetRoute } from '../../../../src/net/bench/proc-net-route.js';

// `cat /proc/net/route` in a Weave proxy-mode container (eth0 on docker0, ethwe on 10.32.1.0/24) and in a
// flannel one (one eth0 in 10.244.2.0/24).
const WEAVE = `Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
eth0\t00000000\t010011AC\t0003\t0\t0\t0\t00000000\t0\t0\t0
ethwe\t0001200A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
eth0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0
`;
const FLANNEL = `Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
eth0\t00000000\t0102F40A\t0003\t0\t0\t0\t00000000\t0\t0\t0
eth0\t0002F40A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
`;

describe('/proc/net/route', () => {
  it('decodes the little-endian words', () => {
    const r = parseProcNetRoute(WEAVE);
    expect(r).toHaveLength(3);
    expect(r[1]).toEqual({ iface: 'ethwe', destination: 0x0a200100, gateway: 0, mask: 0xffffff00 });
  });

  it('finds the interface an overlay address lives on, not the default route', () => {
    expect(findDirectInterface(parseProcNetRoute(WEAVE), '10.32.1.5')).toBe('ethwe');
    expect(findDirectInterface(parseProcNetRoute(WEAVE), '172.17.0.3')).toBe('eth0');
    expect(findDirectInterface(parseProcNetRoute(FLANNEL), '10.244.2.2')).toBe('eth0');
    expect(findDirectInterface(parseProcNetRoute(FLANNEL), '10.32.1.5')).toBeUndefined();
    expect(findDirectInterface(parseProcNetRoute(WEAVE), 'not-an-ip')).toBeUndefined();
  });
});

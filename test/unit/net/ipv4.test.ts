import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cidrContainsCidr,
  cidrContainsIp,
  cidrsOverlap,
  explainCidrProblem,
  formatIpv4,
  isIpInCidr,
  parseCidr,
  parseIpv4,
} from '../../../src/net/ipv4.js';

describe('ipv4', () => {
  it('round-trips every address', () => {
    fc.assert(fc.property(fc.ipV4(), (ip) => formatIpv4(parseIpv4(ip)!) === ip));
  });

  it.each(['1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', 'a.b.c.d', ''])('rejects %j', (text) => {
    expect(parseIpv4(text)).toBeUndefined();
  });

  it('explains bad CIDRs', () => {
    expect(explainCidrProblem('10.32.0.0/16')).toBeUndefined();
    expect(explainCidrProblem('10.32.0.0')).toMatch(/CIDR form/);
    expect(explainCidrProblem('10.32.0.0/40')).toMatch(/\/40/);
    expect(explainCidrProblem('10.32.0.300/24')).toMatch(/invalid IPv4 address/);
    expect(explainCidrProblem('10.32.1.1/16')).toBe('has host bits set; the network is 10.32.0.0/16');
    expect(explainCidrProblem('0.0.0.0/0')).toBeUndefined();
  });

  it('tests containment and overlap', () => {
    const range = parseCidr('10.32.0.0/16')!;
    const subnet = parseCidr('10.32.1.0/24')!;
    expect(cidrContainsCidr(range, subnet)).toBe(true);
    expect(cidrContainsCidr(subnet, range)).toBe(false);
    expect(cidrContainsCidr(range, parseCidr('10.33.0.0/24')!)).toBe(false);
    expect(cidrsOverlap(subnet, range)).toBe(true);
    expect(cidrsOverlap(subnet, parseCidr('10.32.2.0/24')!)).toBe(false);
    expect(cidrContainsIp(parseCidr('0.0.0.0/0')!, parseIpv4('255.255.255.255')!)).toBe(true);
    expect(cidrContainsIp(parseCidr('10.32.0.0/32')!, parseIpv4('10.32.0.1')!)).toBe(false);
  });

  it('agrees with a brute-force membership test on /24 and wider prefixes', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.ipV4(), fc.integer({ min: 0, max: 32 }), (a, b, prefix) => {
        const network = parseIpv4(a)! - (parseIpv4(a)! % 2 ** (32 - prefix));
        const cidr = parseCidr(`${formatIpv4(network)}/${prefix}`)!;
        const expected = Math.floor(parseIpv4(b)! / 2 ** (32 - prefix)) === Math.floor(network / 2 ** (32 - prefix));
        return cidrContainsIp(cidr, parseIpv4(b)!) === expected;
      }),
    );
  });
});

describe('isIpInCidr', () => {
  it('checks membership and is false for malformed input or a missing network', () => {
    const net = parseCidr('10.32.1.0/24');
    expect(isIpInCidr('10.32.1.7', net)).toBe(true);
    expect(isIpInCidr('10.32.0.7', net)).toBe(false);
    expect(isIpInCidr('10.32.1', net)).toBe(false);
    expect(isIpInCidr('10.32.1.7', undefined)).toBe(false);
  });
});

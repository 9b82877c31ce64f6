import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseIpAddrs, parseIpLinks } from '../../../../src/net/bench/ip-output.js';

const LINKS = `1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
2: eth0@if12: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 9000 qdisc noqueue state UP mode DEFAULT group default qlen 1000\\    link/ether 7a:65:61:76:65:01 brd ff:ff:ff:ff:ff:ff link-netnsid 0
5: ethwe@if6: <BROADCAST,MULTICAST> mtu 1376 qdisc noop state DOWN mode DEFAULT group default qlen 1000\\    link/ether 02:42:ac:11:00:02 brd ff:ff:ff:ff:ff:ff`;

describe('parseIpLinks', () => {
  it('reads names without the peer suffix, MTUs and the UP flag', () => {
    expect(parseIpLinks(LINKS)).toEqual([
      { name: 'lo', mtu: 65536, up: true },
      { name: 'eth0', mtu: 9000, up: true },
      { name: 'ethwe', mtu: 1376, up: false },
    ]);
  });

  it('reads this machine’s real `ip -o link show`', () => {
    const links = parseIpLinks(execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }));
    expect(links.find((l) => l.name === 'lo')?.mtu).toBe(65536);
  });
});

describe('parseIpAddrs', () => {
  it('reads interface, address and prefix', () => {
    const out =
      '1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever\n' +
      '2: eth0    inet 192.168.56.11/24 brd 192.168.56.255 scope global eth0\\       valid_lft forever preferred_lft forever';
    expect(parseIpAddrs(out)).toEqual([
      { iface: 'lo', address: '127.0.0.1', prefix: 8 },
      { iface: 'eth0', address: '192.168.56.11', prefix: 24 },
    ]);
  });
});

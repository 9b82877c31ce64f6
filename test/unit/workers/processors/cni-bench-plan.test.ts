import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../../src/errors.js';
import {
  resolveBenchHosts,
  resolveBenchNetwork,
  resolveBenchPairs,
} from '../../../../src/workers/processors/cni-bench-plan.js';

const view = {
  networks: [
    { name: 'weave', kind: 'weave', attach: 'proxy', interface: 'ethwe', range: '10.32.0.0/16' },
    { name: 'flannel', kind: 'flannel', attach: 'docker-network', dockerNetwork: 'flannel', interface: 'eth1' },
    { name: 'host', kind: 'host', attach: 'host', interface: 'eth0' },
  ],
  tenants: [
    { name: 'tenant-b', subnet: '10.32.1.0/24', network: 'weave' },
    { name: 'default', subnet: '10.32.0.0/24', network: 'weave' },
  ],
};
const hosts = [
  { name: 'u1', address: '192.168.56.11' },
  { name: 'u2', address: '192.168.56.12' },
  { name: 'u3', address: '192.168.56.13' },
];

describe('resolveBenchNetwork', () => {
  it('answers an unknown network with the known ones', () => {
    expect(() => resolveBenchNetwork(view, 'calico')).toThrowError(
      expect.objectContaining({
        code: ErrorCode.Usage,
        userMessage: 'unknown network `calico`; known networks: weave, flannel, host',
      }),
    );
  });

  it('refuses the host network, which is the reference of every run', () => {
    expect(() => resolveBenchNetwork(view, 'host')).toThrowError(/bare-metal reference.*weave, flannel/);
  });

  it('joins Weave proxy containers to the default tenant’s subnet and docker networks by name', () => {
    expect(resolveBenchNetwork(view, 'weave')).toEqual({
      name: 'weave',
      kind: 'weave',
      attach: 'proxy',
      interface: 'ethwe',
      cidr: '10.32.0.0/24',
    });
    expect(resolveBenchNetwork(view, 'flannel')).toEqual({
      name: 'flannel',
      kind: 'flannel',
      attach: 'docker-network',
      dockerNetwork: 'flannel',
      interface: 'eth1',
    });
  });
});

describe('resolveBenchHosts', () => {
  it('defaults to the first two configured hosts', () => {
    const { client, server } = resolveBenchHosts(hosts, undefined, undefined);
    expect([client.name, server.name]).toEqual(['u1', 'u2']);
  });

  it('fills in the other side around from= or to=', () => {
    const a = resolveBenchHosts(hosts, undefined, 'u1');
    expect([a.client.name, a.server.name]).toEqual(['u2', 'u1']);
    const b = resolveBenchHosts(hosts, 'u3', undefined);
    expect([b.client.name, b.server.name]).toEqual(['u3', 'u1']);
  });

  it('refuses hosts outside config and a single host', () => {
    expect(() => resolveBenchHosts(hosts, 'u1', 'evil.example')).toThrowError(
      /only on configured hosts \(u1, u2, u3\)/,
    );
    expect(() => resolveBenchHosts(hosts, 'u2', 'u2')).toThrowError(/same host/);
    expect(() => resolveBenchHosts(hosts.slice(0, 1), undefined, undefined)).toThrowError(/needs two configured hosts/);
  });
});

describe('resolveBenchPairs', () => {
  const names = (p: ReturnType<typeof resolveBenchPairs>) => p.map((x) => `${x.client.name}>${x.server.name}`);

  it('pairs=all: every ordered pair of the configured hosts, both directions', () => {
    expect(names(resolveBenchPairs(hosts, 'weave', { pairs: 'all' }))).toEqual([
      'u1>u2',
      'u1>u3',
      'u2>u1',
      'u2>u3',
      'u3>u1',
      'u3>u2',
    ]);
  });

  it('hosts=: only the named hosts, unknown ones named with the configured ones', () => {
    expect(names(resolveBenchPairs(hosts, 'weave', { hosts: ['u3', 'u1'] }))).toEqual(['u3>u1', 'u1>u3']);
    expect(() => resolveBenchPairs(hosts, 'weave', { hosts: ['u1', 'u9'] })).toThrowError(
      /unknown host `u9`.*\(u1, u2, u3\)/,
    );
  });

  it('pairs=all on a network spanning one host only is a usage error', () => {
    expect(() => resolveBenchPairs(hosts.slice(0, 1), 'weave', { pairs: 'all' })).toThrowError(
      expect.objectContaining({
        code: ErrorCode.Usage,
        userMessage: expect.stringMatching(
          /pairs=all needs a network spanning two hosts or more: `weave` spans only u1/,
        ),
      }),
    );
  });
});

import { describe, expect, it } from 'vitest';
import { checkWeaveStatusOutput, type WeaveLaunchView } from '../../../src/net/weave-launch.js';

// `weave status`, IPAM part, as prog/weaver/http.go:163-236 (weaveworks/weave v2.8.1) prints it.
const STATUS = '          Range: 10.32.0.0/16\n  DefaultSubnet: 10.32.0.0/24\n';
const tenants = [
  { name: 'default', subnet: '10.32.0.0/24', network: 'weave' },
  { name: 'tenant-b', subnet: '10.32.1.0/24', network: 'weave' },
];
const viewWith = (network: WeaveLaunchView['networks'][number]): WeaveLaunchView => ({ tenants, networks: [network] });

describe('checkWeaveStatusOutput', () => {
  it('accepts both tenants of the multi-tenant launch in proxy mode (WEAVE_CIDR picks each subnet)', () => {
    expect(checkWeaveStatusOutput('u1', STATUS, viewWith({ name: 'weave', kind: 'weave', attach: 'proxy' }))).toEqual(
      [],
    );
  });

  it("in plugin mode on Weave's own network, names the tenant that network cannot place", () => {
    const problems = checkWeaveStatusOutput(
      'u1',
      STATUS,
      viewWith({ name: 'weave', kind: 'weave', attach: 'plugin', dockerNetwork: 'weave' }),
    );
    expect(problems.map((p) => [p.host, p.tenant])).toEqual([['u1', 'tenant-b']]);
  });
});

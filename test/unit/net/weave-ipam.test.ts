import { describe, expect, it } from 'vitest';
import { checkPluginNetworkSubnets, checkTenantSubnets, parseWeaveIpam } from '../../../src/net/weave-ipam.js';

// `weave status` as prog/weaver/http.go:163-236 (weaveworks/weave v2.8.1) prints it, IPAM part.
const status = (range: string, subnet: string) => `
        Service: ipam
         Status: ready
          Range: ${range}
  DefaultSubnet: ${subnet}
`;
const ARTICLE = [
  { name: 'default', subnet: '10.32.0.0/24' },
  { name: 'tenant-b', subnet: '10.32.1.0/24' },
];

describe('parseWeaveIpam', () => {
  it('reads Range and DefaultSubnet', () => {
    expect(parseWeaveIpam(status('10.32.0.0/16', '10.32.0.0/24'))).toEqual({
      range: '10.32.0.0/16',
      defaultSubnet: '10.32.0.0/24',
    });
  });
  it('is undefined without IPAM lines (weave launched with --no-default-ipalloc and no range, or not a status)', () => {
    expect(parseWeaveIpam('        Service: router\n')).toBeUndefined();
  });
});

describe('checkTenantSubnets', () => {
  it('accepts the multi-tenant launch of the article', () => {
    expect(checkTenantSubnets('u1', { range: '10.32.0.0/16', defaultSubnet: '10.32.0.0/24' }, ARTICLE)).toEqual([]);
  });

  it('reports a plain weave launch (default subnet = range) as no isolation for every other tenant, with the fix', () => {
    const problems = checkTenantSubnets(
      'u1',
      { range: '10.32.0.0/12', defaultSubnet: '10.32.0.0/12' },
      ARTICLE,
      '10.32.0.0/16',
    ).map((p) => p.text);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain("tenant tenant-b's subnet 10.32.1.0/24 overlaps Weave's default subnet 10.32.0.0/12");
    expect(problems[0]).toContain('launched without --ipalloc-default-subnet');
    expect(problems[0]).toContain('weave launch --ipalloc-range 10.32.0.0/16 --ipalloc-default-subnet 10.32.0.0/24');
  });

  it('reports a tenant subnet outside the range', () => {
    const problems = checkTenantSubnets('u2', { range: '10.32.0.0/16', defaultSubnet: '10.32.0.0/24' }, [
      ...ARTICLE,
      { name: 'tenant-c', subnet: '10.40.0.0/24' },
    ]);
    expect(problems).toEqual([
      {
        host: 'u2',
        tenant: 'tenant-c',
        text: expect.stringContaining("weave on u2: tenant tenant-c's subnet 10.40.0.0/24 is outside"),
      },
    ]);
  });

  it('lets the default tenant sit in the default subnet, whatever its size', () => {
    expect(checkTenantSubnets('u1', { range: '10.32.0.0/12', defaultSubnet: '10.32.0.0/12' }, [ARTICLE[0]!])).toEqual(
      [],
    );
  });
});

describe('checkPluginNetworkSubnets', () => {
  const multiTenant = { range: '10.32.0.0/16', defaultSubnet: '10.32.0.0/24' };

  it("accepts the tenant whose subnet is Weave's default subnet on the plugin's own network", () => {
    expect(checkPluginNetworkSubnets('u1', multiTenant, [ARTICLE[0]!], 'weave')).toEqual([]);
  });

  it('refuses every other tenant there: the weave network hands out default-subnet addresses only', () => {
    const problems = checkPluginNetworkSubnets('u1', multiTenant, ARTICLE, 'weave');
    expect(problems.map((p) => p.tenant)).toEqual(['tenant-b']);
    expect(problems[0]?.text).toContain(
      "tenant tenant-b's containers join Docker network weave (plugin mode), which Weave creates in its default subnet 10.32.0.0/24",
    );
    expect(problems[0]?.text).toContain('--ipalloc-default-subnet 10.32.1.0/24');
    expect(problems[0]?.text).toContain('--driver weavemesh --ipam-driver weavemesh --subnet 10.32.1.0/24');
  });

  it('refuses the default tenant under a plain launch (default subnet = the /12 range, not its /24)', () => {
    const problems = checkPluginNetworkSubnets(
      'u2',
      { range: '10.32.0.0/12', defaultSubnet: '10.32.0.0/12' },
      [ARTICLE[0]!],
      'weave',
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]?.text).toContain('default subnet 10.32.0.0/12, so they would get addresses outside');
  });

  it("leaves a network of the tenant's own alone (its subnet is whatever it was created with)", () => {
    expect(checkPluginNetworkSubnets('u1', multiTenant, ARTICLE, 'tenant-b-net')).toEqual([]);
  });
});

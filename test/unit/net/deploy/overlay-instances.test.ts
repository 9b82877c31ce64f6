import { describe, expect, it } from 'vitest';
import { overlayAddressIn } from '../../../../src/net/deploy/overlay-instances.js';
import { parseWeavePs } from '../../../../src/net/weave-ps.js';

// `weave ps` of a whole host as weaveworks/weave v2.8.1 prints it (weave:1543-1556): the expose line first, then
// each attached container by its id cut to 12 characters.
const PS = parseWeavePs(
  [
    'weave:expose 7a:1b:2c:3d:4e:5f 10.32.1.3/24',
    '0123456789ab ea:00:00:00:00:01 10.32.1.1/24',
    'ba9876543210 ea:00:00:00:00:02 10.32.1.2/24 10.32.0.9/24',
  ].join('\n'),
);
const host = { name: 'u1', address: '192.168.56.11' } as Parameters<typeof overlayAddressIn>[1]['host'];
const full = (short: string) => short + 'f'.repeat(52);

describe('overlayAddressIn', () => {
  it("finds a container by its full id through weave ps's 12-character id", () => {
    expect(overlayAddressIn(PS, { host, allocId: 'a1', containerId: full('0123456789ab') }, '10.32.1.0/24')).toEqual({
      containerId: full('0123456789ab'),
      ip: '10.32.1.1',
      all: ['10.32.1.1'],
    });
  });

  it('returns every address, so the caller can warn about a container on two subnets', () => {
    const found = overlayAddressIn(PS, { host, allocId: 'a2', containerId: full('ba9876543210') }, '10.32.1.0/24');
    expect(found.all).toEqual(['10.32.1.2', '10.32.0.9']);
  });

  it('names the host, the allocation and what weave ps shows when nothing is in the subnet', () => {
    expect(() =>
      overlayAddressIn(PS, { host, allocId: 'abcdef0123', containerId: full('0123456789ab') }, '10.32.2.0/24'),
    ).toThrow(
      expect.objectContaining({
        userMessage:
          'Container 0123456789ab of allocation abcdef01 on u1 has no overlay address in 10.32.2.0/24 (weave ps shows 10.32.1.1).',
      }),
    );
  });

  it("says 'none' for a container weave ps does not list (not attached to the overlay)", () => {
    expect(() =>
      overlayAddressIn(PS, { host, allocId: 'a3', containerId: full('cccccccccccc') }, '10.32.1.0/24'),
    ).toThrow(expect.objectContaining({ userMessage: expect.stringContaining('(weave ps shows none)') }));
  });
});

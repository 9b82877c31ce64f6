import { describe, expect, it } from 'vitest';
import { parseWeaveConnections } from '../../../src/net/weave-connections.js';

// Lines as weave v2.8.1 prints them (prog/weaver/http.go:233-235 with mesh status.go:172-181): address padded to
// 21, state to 11, the overlay name to 6, `encrypted`/`unencrypted` to 11 with a password, attrs unseparated.
const LINES = [
  '-> 192.168.56.12:6783     established fastdp 7a:65:61:76:65:02(u2) mtu=1376',
  '<- 192.168.56.13:41234    established sleeve 7a:65:61:76:65:03(u3) mtu=8938',
  '-> 10.0.0.7:6783          established encrypted   fastdp 46:5c:aa:bb:cc:dd(h7) encrypted=truemtu=8876',
  '-> 10.0.0.8:6783          established unencrypted sleeve 46:5c:aa:bb:cc:ee(h8) mtu=8939',
  '-> 10.0.0.9:6783          failed      Connection refused, retry: 2026-12-01 17:00:00 +0000 UTC',
  '-> 10.0.0.10:6783         retrying    dial tcp4 :0->10.0.0.10:6783: connect: no route to host',
].join('\n');

describe('parseWeaveConnections', () => {
  it('reads datapath, encryption and mtu from every form the router prints', () => {
    const c = parseWeaveConnections(LINES);
    expect(c.map((x) => [x.ip, x.state, x.datapath, x.encrypted, x.mtu])).toEqual([
      ['192.168.56.12', 'established', 'fastdp', undefined, 1376],
      ['192.168.56.13', 'established', 'sleeve', undefined, 8938],
      ['10.0.0.7', 'established', 'fastdp', true, 8876],
      ['10.0.0.8', 'established', 'sleeve', false, 8939],
      ['10.0.0.9', 'failed', undefined, undefined, undefined],
      ['10.0.0.10', 'retrying', undefined, undefined, undefined],
    ]);
    expect(c[0]).toMatchObject({ outbound: true, peer: '7a:65:61:76:65:02(u2)' });
    expect(c[1]).toMatchObject({ outbound: false, address: '192.168.56.13:41234' });
    expect(c[4]?.info).toContain('Connection refused');
  });

  it('skips lines that are not connections', () => {
    expect(parseWeaveConnections('\nweave: not running\n')).toEqual([]);
  });
});

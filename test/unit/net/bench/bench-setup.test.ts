import { describe, expect, it } from 'vitest';
import { attachmentFor } from '../../../../src/net/bench/bench-setup.js';
import { WEAVE_PROXY_SOCKET } from '../../../../src/net/weave-proxy.js';

describe('attachmentFor', () => {
  it('creates proxy-mode containers through the Weave proxy socket, the standard one by default', () => {
    expect(attachmentFor({ name: 'weave', kind: 'weave', attach: 'proxy', cidr: '10.32.1.0/24' })).toEqual({
      proxySocket: WEAVE_PROXY_SOCKET,
      cidr: '10.32.1.0/24',
    });
    expect(
      attachmentFor({ name: 'weave', kind: 'weave', attach: 'proxy', proxySocket: 'tcp://127.0.0.1:12375' }),
    ).toEqual({ proxySocket: 'tcp://127.0.0.1:12375' });
  });

  it('joins plugin and docker networks with --net and never through the proxy', () => {
    expect(attachmentFor({ name: 'weave', kind: 'weave', attach: 'plugin', dockerNetwork: 'weave' })).toEqual({
      net: 'weave',
    });
    expect(attachmentFor({ name: 'flannel', kind: 'flannel', attach: 'docker-network' })).toEqual({ net: 'flannel' });
  });
});

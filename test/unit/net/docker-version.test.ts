import { describe, expect, it } from 'vitest';
import { checkDockerVersion, parseDockerVersion } from '../../../src/net/docker-version.js';

describe('parseDockerVersion', () => {
  it('reads CLI, Engine and API version from the --format line', () => {
    expect(parseDockerVersion('24.0.7 24.0.7 1.43\n')).toEqual({
      client: '24.0.7',
      server: '24.0.7',
      serverApi: '1.43',
    });
    expect(parseDockerVersion('20.10.24+dfsg1 20.10.24+dfsg1 1.41')).toEqual({
      client: '20.10.24',
      server: '20.10.24',
      serverApi: '1.41',
    });
  });
  it('is undefined for a daemon that did not answer (no server part)', () => {
    expect(parseDockerVersion('24.0.7  ')).toBeUndefined();
  });
});

describe('checkDockerVersion', () => {
  const v = (client: string, server = client) => ({ client, server, serverApi: '1.4x' });
  it('accepts CLI 20.10 to Engine 24 with Weave', () => {
    expect(checkDockerVersion('u1', v('20.10.0'), true)).toEqual([]);
    expect(checkDockerVersion('u1', v('24.0.7'), true)).toEqual([]);
  });
  it('refuses a CLI before 20.10 (no {{.State}}), naming host, version and window', () => {
    const [p] = checkDockerVersion('u2', v('19.03.15'), true);
    expect(p).toContain('docker on u2: CLI 19.03.15 is older than 20.10');
    expect(p).toContain('Docker CLI 20.10 or later, Engine up to 24.x with Weave 2.8.1');
  });
  it('refuses Engine 25+ only where Weave runs (API 1.18)', () => {
    expect(checkDockerVersion('u3', v('25.0.3'), true)).toEqual([
      expect.stringContaining('Engine 25.0.3 (API 1.4x) refuses API 1.18'),
    ]);
    expect(checkDockerVersion('u3', v('25.0.3'), false)).toEqual([]);
  });
});

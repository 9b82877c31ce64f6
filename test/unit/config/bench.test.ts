import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';
import { baseEnv, type ConfigFixture, catchConfigError, createConfigFixture } from './config-fixture.js';

describe('config bench section', () => {
  let fx: ConfigFixture;
  beforeAll(() => {
    fx = createConfigFixture();
  });
  afterAll(() => fx.remove());

  const load = (doc: Record<string, unknown>) => loadConfig(baseEnv(), { path: fx.writeConfig(doc) });

  it('defaults to the published images and a 100 MiB payload in nginx’s web root', () => {
    expect(load(fx.baseDoc()).bench).toEqual({
      images: {
        iperf3: 'networkstatic/iperf3',
        httpServer: 'nginx',
        httpClient: 'nginx',
        ftpServer: 'fauria/vsftpd',
        ftpClient: 'nginx',
        scpServer: 'linuxserver/openssh-server',
        scpClient: 'linuxserver/openssh-server',
      },
      http: { payloadMB: 100, webRoot: '/usr/share/nginx/html' },
      transfer: { payloadMB: 100 },
    });
  });

  it('takes other images (a mirror, a different client iperf3) and payload size', () => {
    const doc = {
      ...fx.baseDoc(),
      bench: {
        images: { iperf3: 'registry.example:5000/iperf3:3.16', iperf3Client: 'lab/iperf3:3.12' },
        http: { payloadMB: 1000, webRoot: '/srv/www' },
      },
    };
    expect(load(doc).bench).toEqual({
      images: {
        iperf3: 'registry.example:5000/iperf3:3.16',
        iperf3Client: 'lab/iperf3:3.12',
        httpServer: 'nginx',
        httpClient: 'nginx',
        ftpServer: 'fauria/vsftpd',
        ftpClient: 'nginx',
        scpServer: 'linuxserver/openssh-server',
        scpClient: 'linuxserver/openssh-server',
      },
      http: { payloadMB: 1000, webRoot: '/srv/www' },
      transfer: { payloadMB: 100 },
    });
  });

  it('names every bad value with the fix', () => {
    const doc = {
      ...fx.baseDoc(),
      bench: {
        images: { httpServer: 'nginx; rm -rf /', curl: 'x' },
        http: { payloadMB: 0, webRoot: '../html' },
      },
    };
    const problems = catchConfigError(() => load(doc)).problems.join('\n');
    expect(problems).toMatch(/bench\.images\.httpServer: must be an image reference/);
    expect(problems).toMatch(/bench\.images.*curl/);
    expect(problems).toMatch(/bench\.http\.payloadMB: must be an integer from 1 to 10000/);
    expect(problems).toMatch(/bench\.http\.webRoot: must be an absolute path/);
  });
});

import { describe, expect, it } from 'vitest';
import type { SshResult } from '../../../../src/clients/ssh/index.js';
import { missingExecutable } from '../../../../src/net/bench/bench-error.js';
import { parseCurlTiming, runHttpFetches } from '../../../../src/net/bench/http-run.js';

const result = (r: Partial<SshResult>): SshResult => ({
  code: 0,
  stdout: '',
  stderr: '',
  truncated: false,
  durationMs: 5,
  ...r,
});

const spec = { host: 'u1', container: 'nb-x-http-client-overlay', image: 'nginx', target: '10.32.0.3', file: 'p.bin' };

describe('parseCurlTiming', () => {
  it("reads curl's -w line: transfer time is total less pre-transfer", () => {
    expect(parseCurlTiming('200 104857600 0.000410 0.120410\n')).toEqual({
      status: 200,
      bytes: 104857600,
      transferSeconds: expect.closeTo(0.12, 9),
    });
    expect(parseCurlTiming('curl: (7) Failed to connect')).toBeUndefined();
  });
});

describe('runHttpFetches', () => {
  it('rates bytes over curl-measured transfer time, ignoring how long SSH and docker exec took', async () => {
    const lines = ['200 104857600 0.000500 0.100500', '200 104857600 0.000500 0.300500'];
    let t = 0;
    const ssh = {
      run: async () => {
        t += 1000;
        // A slow SSH round trip (durationMs) must not enter the figure.
        return result({ stdout: `${lines.shift()}\n`, durationMs: 900 });
      },
    };
    const r = await runHttpFetches(ssh, { ...spec, durationMs: 1500 }, new AbortController().signal, () => t);
    expect(r).toMatchObject({ ok: true, fetches: 2, medianFetchMs: expect.closeTo(200, 6) });
    if (r.ok) expect(r.mbps).toBeCloseTo((2 * 104857600 * 8) / 0.4 / 1e6, 6);
  });

  it('names the image when it has no curl, and reports an HTTP error status', async () => {
    const noCurl = {
      run: async () =>
        result({
          code: 126,
          stderr:
            'OCI runtime exec failed: exec failed: unable to start container process: exec: "curl": executable file not found in $PATH: unknown\n',
        }),
    };
    const r = await runHttpFetches(noCurl, { ...spec, image: 'busybox', durationMs: 1 }, new AbortController().signal);
    expect(r).toEqual({
      ok: false,
      error:
        'image busybox on u1 has no curl (the HTTP client needs curl): choose an image that has it under bench.images.httpClient',
    });
    const notFound = { run: async () => result({ stdout: '404 153 0.0001 0.0002\n' }) };
    expect(await runHttpFetches(notFound, { ...spec, durationMs: 1 }, new AbortController().signal)).toEqual({
      ok: false,
      error: 'HTTP 404 for http://10.32.0.3/p.bin',
    });
  });
});

describe('missingExecutable', () => {
  it("finds the program in runc's and a shell's not-found messages", () => {
    expect(missingExecutable('exec: "iperf3": executable file not found in $PATH: unknown')).toBe('iperf3');
    expect(missingExecutable('exec: "/usr/bin/wget": stat /usr/bin/wget: no such file or directory: unknown')).toBe(
      '/usr/bin/wget',
    );
    expect(missingExecutable('sh: 1: head: not found\n')).toBe('head');
    expect(missingExecutable('sh: head: not found\n')).toBe('head');
    expect(missingExecutable('Connection refused')).toBeUndefined();
  });
});

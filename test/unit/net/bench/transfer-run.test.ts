import { describe, expect, it } from 'vitest';
import type { SshResult } from '../../../../src/clients/ssh/index.js';
import { parseScpTiming, runTransfers, type TransferTarget } from '../../../../src/net/bench/transfer-run.js';

const result = (r: Partial<SshResult>): SshResult => ({
  code: 0,
  stdout: '',
  stderr: '',
  truncated: false,
  durationMs: 5,
  ...r,
});

const MB20 = 20 * 1024 * 1024;
const target = (over: Partial<TransferTarget> = {}): TransferTarget => ({
  host: 'u1',
  container: 'nb-x-ftp-client-overlay',
  image: 'nginx',
  serverImage: 'fauria/vsftpd',
  serverIp: '10.32.0.5',
  port: 21,
  user: 'netops',
  password: 'abcdef0123456789',
  file: 'netops-bench-x.bin',
  bytes: MB20,
  ...over,
});

// What OpenSSH's ssh -v prints at exit (clientloop.c client_loop: verbose()), after scp's own debug lines.
const SCP_STDERR = `debug1: Authentication succeeded (publickey).
debug1: Sending subsystem: sftp
Transferred: sent 20776, received 21014568 bytes, in 0.4 seconds
Bytes per second: sent 51940.0, received 52536420.0
debug1: Exit status 0
`;

describe('parseScpTiming', () => {
  it('reads the received bytes and the exact received rate', () => {
    expect(parseScpTiming(SCP_STDERR)).toEqual({
      receivedBytes: 21014568,
      seconds: 0.4,
      receivedBytesPerSecond: 52536420,
    });
    expect(parseScpTiming('debug1: Exit status 1\n')).toBeUndefined();
  });
});

/** An ssh stand-in whose every call advances the clock by `stepMs` and answers `r`. */
const sshAdvancing = (clock: { t: number }, stepMs: number, r: Partial<SshResult>) => ({
  run: async () => {
    clock.t += stepMs;
    return result(r);
  },
});

describe('runTransfers', () => {
  it('FTP: rates curl-timed transfers and needs the 226 reply and the whole file', async () => {
    const clock = { t: 0 };
    const ok = sshAdvancing(clock, 2000, { stdout: `226 ${MB20} 0.002 0.202\n` });
    const r = await runTransfers(ok, 'ftp', target(), 1000, new AbortController().signal, () => clock.t);
    expect(r).toMatchObject({ ok: true, fetches: 1 });
    expect(r.ok && r.mbps).toBeCloseTo((MB20 * 8) / 0.2 / 1e6, 3);
    const short = sshAdvancing(clock, 2000, { stdout: '226 1000 0.002 0.202\n' });
    expect(await runTransfers(short, 'ftp', target(), 1000, new AbortController().signal, () => clock.t)).toMatchObject(
      {
        ok: false,
        error: expect.stringContaining(`fetched 1000 of ${MB20} bytes`),
      },
    );
  });

  it('SCP: rates from ssh -v, the time derived from the exact rate', async () => {
    const clock = { t: 0 };
    const ssh = sshAdvancing(clock, 2000, { stderr: SCP_STDERR });
    const r = await runTransfers(
      ssh,
      'scp',
      target({ keyPath: '/config/k', file: '/config/f' }),
      1000,
      new AbortController().signal,
      () => clock.t,
    );
    expect(r).toMatchObject({ ok: true, mbps: expect.closeTo((52536420 * 8) / 1e6, 3) });
  });

  it('a server that never listens is named with its image after the wait', async () => {
    const clock = { t: 0 };
    const ssh = sshAdvancing(clock, 5000, {
      code: 7,
      stderr: 'curl: (7) Failed to connect to 10.32.0.5 port 21 after 0 ms: Connection refused',
    });
    const r = await runTransfers(
      ssh,
      'ftp',
      target({ serverImage: 'nginx' }),
      1000,
      new AbortController().signal,
      () => clock.t,
    );
    expect(r).toMatchObject({
      ok: false,
      error: expect.stringMatching(
        /^nothing answers FTP on 10\.32\.0\.5:21 after 20s: does image nginx run an FTP server/,
      ),
    });
  });

  it('a client image without scp says which image and setting', async () => {
    const ssh = {
      run: async () =>
        result({
          code: 126,
          stderr:
            'OCI runtime exec failed: exec failed: unable to start container process: exec: "scp": executable file not found in $PATH: unknown',
        }),
    };
    const r = await runTransfers(
      ssh,
      'scp',
      target({ image: 'nginx', keyPath: '/config/k', file: '/config/f' }),
      1000,
      new AbortController().signal,
    );
    expect(r).toMatchObject({ ok: false, error: expect.stringContaining('image nginx on u1 has no scp') });
    expect(r.ok || r.error).toContain('bench.images.scpClient');
  });
});

import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PING_BATCH_MAX, PING_BATCH_WAVE } from '../../../../src/clients/ssh/index.js';
import { buildPingBatches, parsePingBatch, readPingBatch } from '../../../../src/net/isolation/ping-batch.js';
import { batchLine, result } from './fake-network.js';

const REPLY = '64 bytes from 10.32.0.2: seq=0 ttl=64 time=0.321 ms';
const SENT = '1 packets transmitted, 0 packets received, 100% packet loss';
const outcomes = (stdout: string, ips: string[], extra: Parameters<typeof result>[0] = {}) =>
  readPingBatch(result({ stdout, ...extra }), ips, 1);

describe('buildPingBatches', () => {
  it('runs the fixed script with the deadline and targets as positional parameters', () => {
    const [batch] = buildPingBatches('a1', ['10.32.0.2', '10.32.1.1'], 1);
    expect(batch!.command.template).toBe('docker.exec.ping.batch');
    expect(batch!.command.argv.slice(0, 5)).toEqual(['docker', 'exec', 'a1', 'sh', '-c']);
    expect(batch!.command.argv.slice(6)).toEqual(['netops-ping-batch', '1', '10.32.0.2', '10.32.1.1']);
    expect(batch!.ips).toEqual(['10.32.0.2', '10.32.1.1']);
  });

  it(`splits more than ${PING_BATCH_MAX} targets over several batches`, () => {
    const ips = Array.from({ length: PING_BATCH_MAX + 1 }, (_, i) => `10.32.${i >> 8}.${i & 255}`);
    expect(buildPingBatches('a1', ips, 1).map((b) => b.ips.length)).toEqual([PING_BATCH_MAX, 1]);
  });
});

describe('parsePingBatch', () => {
  it('gives each target its own exit status, stdout and stderr, in any line order', () => {
    const stdout = [
      batchLine('10.32.1.1', { code: 1, stdout: `PING 10.32.1.1\n${SENT}`, stderr: '' }),
      'unrelated noise',
      batchLine('10.32.0.2', { code: 0, stdout: REPLY, stderr: '' }),
      batchLine('10.32.1.2', { code: 1, stdout: '', stderr: 'ping: permission denied (are you root?)' }),
    ].join('\n');
    const lines = parsePingBatch(stdout, ['10.32.0.2', '10.32.1.1', '10.32.1.2']);
    expect(lines.get('10.32.0.2')).toEqual({ code: 0, stdout: REPLY, stderr: '' });
    expect(lines.get('10.32.1.1')).toEqual({ code: 1, stdout: `PING 10.32.1.1\n${SENT}`, stderr: '' });
    expect(lines.get('10.32.1.2')).toEqual({ code: 1, stdout: '', stderr: 'ping: permission denied (are you root?)' });
  });

  it('drops every line that is not whole: run together, repeated, without or with two rc, not asked for', () => {
    const a = batchLine('10.32.0.2', { code: 0, stdout: REPLY, stderr: '' });
    const b = batchLine('10.32.1.1', { code: 1, stdout: SENT, stderr: '' });
    const c = batchLine('10.32.1.2', { code: 1, stdout: SENT, stderr: '' });
    const stdout = [
      `${a.slice(0, 30)}${b}`, // two writes interleaved: neither target is trusted
      c,
      c, // printed twice: neither line counts
      'netops-probe 10.32.1.3\x1fPING 10.32.1.3', // no rc
      'netops-probe 10.32.1.4\x1frc 0\x1frc 1', // two rc
      batchLine('10.32.9.9', { code: 0, stdout: REPLY, stderr: '' }), // not a target of this batch
    ].join('\n');
    const lines = parsePingBatch(stdout, ['10.32.0.2', '10.32.1.1', '10.32.1.2', '10.32.1.3', '10.32.1.4']);
    expect([...lines.keys()]).toEqual([]);
  });
});

describe('readPingBatch', () => {
  it('reads each line as a lone ping would be read', () => {
    const stdout = [
      batchLine('10.32.0.2', { code: 0, stdout: REPLY, stderr: '' }),
      batchLine('10.32.1.1', { code: 1, stdout: SENT, stderr: '' }),
      batchLine('10.32.1.3', { code: 1, stdout: '', stderr: '' }),
    ].join('\n');
    const read = outcomes(stdout, ['10.32.0.2', '10.32.1.1', '10.32.1.3']);
    expect(read.get('10.32.0.2')).toEqual({
      attempt: { ok: true, outcome: 'reachable', rttMs: 0.321, detail: 'echo reply' },
      printed: true,
    });
    expect(read.get('10.32.1.1')!.attempt).toMatchObject({ outcome: 'isolated', detail: 'no reply within 1 s' });
    // Exit 1 with nothing on stderr is a lone ping's "no reply" too.
    expect(read.get('10.32.1.3')!.attempt.outcome).toBe('isolated');
  });

  it('makes a target without a whole line unknown, never isolated', () => {
    const read = outcomes(batchLine('10.32.0.2', { code: 1, stdout: SENT, stderr: '' }), ['10.32.0.2', '10.32.1.1']);
    expect(read.get('10.32.1.1')).toEqual({
      attempt: {
        ok: false,
        outcome: 'unknown',
        rttMs: null,
        detail: 'the batched ping printed no whole result line for it',
      },
      printed: false,
    });
  });

  it('makes a ping that cannot run unknown: not in the image (127), not executable (126), no NET_RAW', () => {
    const stdout = [
      batchLine('10.32.0.2', { code: 127, stdout: '', stderr: 'sh: ping: not found' }),
      batchLine('10.32.0.3', { code: 126, stdout: '', stderr: 'sh: ping: Permission denied' }),
      batchLine('10.32.0.4', { code: 1, stdout: '', stderr: 'ping: permission denied (are you root?)' }),
      batchLine('10.32.0.5', { code: 2, stdout: '', stderr: 'ping: socket: Operation not permitted' }),
    ].join('\n');
    const read = outcomes(stdout, ['10.32.0.2', '10.32.0.3', '10.32.0.4', '10.32.0.5']);
    expect(read.get('10.32.0.2')).toEqual({
      attempt: { ok: false, outcome: 'unknown', rttMs: null, detail: 'ping could not run: sh: ping: not found' },
      printed: true,
    });
    expect([...read.values()].map((o) => o.attempt.outcome)).toEqual(['unknown', 'unknown', 'unknown', 'unknown']);
  });

  it("names the batch's own failure for every target when docker could not run it or it was cut off", () => {
    const gone = outcomes('', ['10.32.0.2'], {
      code: 1,
      stderr: 'Error response from daemon: No such container: a1\n',
    });
    expect(gone.get('10.32.0.2')).toEqual({
      attempt: {
        ok: false,
        outcome: 'unknown',
        rttMs: null,
        detail: 'docker exec failed: Error response from daemon: No such container: a1',
      },
      printed: false,
    });
    const cut = outcomes('', ['10.32.0.2'], { code: null, signal: 'KILL' });
    expect(cut.get('10.32.0.2')!.attempt.detail).toBe('probe was cut off (SIGKILL)');
  });

  it("takes an rtt only from ping's own time=, never from the batch duration", () => {
    const read = outcomes(batchLine('10.32.0.2', { code: 0, stdout: 'reply', stderr: '' }), ['10.32.0.2'], {
      durationMs: 1234,
    });
    expect(read.get('10.32.0.2')!.attempt).toMatchObject({ outcome: 'reachable', rttMs: null });
  });
});

describe('the batch script in real shells', () => {
  // A `ping` per target: a reply, a silent loss, a refused raw socket; the script's own text, run by dash and
  // busybox ash as `docker exec <c> sh -c` would, then read back by the parser.
  const dir = mkdtempSync(join(tmpdir(), 'netops-ping-batch-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const fakePing = [
    '#!/bin/sh',
    'ip=$5',
    'case $ip in',
    `  10.32.0.*) echo "PING $ip ($ip): 56 data bytes"; echo '${REPLY}'; exit 0 ;;`,
    `  10.32.1.1) sleep "$4"; echo '${SENT}'; exit 1 ;;`,
    "  *) echo 'ping: permission denied (are you root?)' >&2; exit 1 ;;",
    'esac',
  ].join('\n');
  const bin = join(dir, 'bin');
  execFileSync('mkdir', ['-p', bin]);
  writeFileSync(join(bin, 'ping'), `${fakePing}\n`);
  chmodSync(join(bin, 'ping'), 0o755);
  const shells = [['/bin/sh'], ['/usr/bin/dash'], ['/usr/bin/busybox', 'sh']].filter(([p]) => existsSync(p!));
  const ips = ['10.32.0.2', '10.32.1.1', '10.32.1.9'];

  it.each(shells)('%s: one whole line per target, read back as lone pings', (...shell) => {
    const [batch] = buildPingBatches('a1', ips, 1);
    const args = batch!.command.argv.slice(4); // -c <script> netops-ping-batch <s> <ip>...
    const stdout = execFileSync(shell[0]!, [...shell.slice(1), ...args], {
      env: { PATH: `${bin}:/usr/bin:/bin` },
      encoding: 'utf8',
    });
    const read = readPingBatch(result({ stdout }), ips, 1);
    expect([...read.entries()].map(([ip, o]) => [ip, o.attempt.outcome, o.printed])).toEqual([
      ['10.32.0.2', 'reachable', true],
      ['10.32.1.1', 'isolated', true],
      ['10.32.1.9', 'unknown', true],
    ]);
    expect(read.get('10.32.1.9')!.attempt.detail).toBe('ping could not run: ping: permission denied (are you root?)');
  });

  it.each(shells)(`%s: more targets than one wave (${PING_BATCH_WAVE}) all get their line`, (...shell) => {
    const many = Array.from({ length: 2 * PING_BATCH_WAVE + 3 }, (_, i) => `10.32.0.${i + 10}`);
    const [batch] = buildPingBatches('a1', many, 1);
    const stdout = execFileSync(shell[0]!, [...shell.slice(1), ...batch!.command.argv.slice(4)], {
      env: { PATH: `${bin}:/usr/bin:/bin` },
      encoding: 'utf8',
    });
    const read = readPingBatch(result({ stdout }), many, 1);
    expect([...read.values()].filter((o) => o.printed && o.attempt.outcome === 'reachable')).toHaveLength(many.length);
  });

  it.each(shells)('%s: without ping in the image every target is unknown (127)', (...shell) => {
    const [batch] = buildPingBatches('a1', ips, 1);
    const args = batch!.command.argv.slice(5);
    const stdout = execFileSync(shell[0]!, [...shell.slice(1), '-c', ...args], {
      env: { PATH: join(dir, 'nothing') },
      encoding: 'utf8',
    });
    const read = readPingBatch(result({ stdout }), ips, 1);
    expect([...read.values()].map((o) => [o.attempt.outcome, o.printed])).toEqual([
      ['unknown', true],
      ['unknown', true],
      ['unknown', true],
    ]);
    expect(read.get('10.32.0.2')!.attempt.detail).toMatch(/^ping could not run: .*ping: not found$/);
  });
});

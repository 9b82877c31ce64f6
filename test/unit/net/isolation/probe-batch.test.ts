import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { PING_BATCH_MAX } from '../../../../src/clients/ssh/index.js';
import { UsageError } from '../../../../src/errors.js';
import { interpretProbeResult } from '../../../../src/net/isolation/probe.js';
import { buildPingBatchCommands, parsePingBatch } from '../../../../src/net/isolation/probe-batch.js';
import { batchLine } from './fake-network.js';

const run = promisify(execFile);
const ICMP = { proto: 'icmp', port: null } as const;
const ips = (n: number) => Array.from({ length: n }, (_, i) => `10.32.${Math.floor(i / 250)}.${(i % 250) + 1}`);

describe('buildPingBatchCommands', () => {
  it('splits the targets over execs of at most PING_BATCH_MAX, as positional parameters after the fixed script', () => {
    const commands = buildPingBatchCommands('web-1', ips(2 * PING_BATCH_MAX + 2), 1);
    expect(commands.map((c) => c.argv.length - 8)).toEqual([PING_BATCH_MAX, PING_BATCH_MAX, 2]);
    const [first] = commands;
    expect(first!.argv.slice(0, 5)).toEqual(['docker', 'exec', 'web-1', 'sh', '-c']);
    expect(first!.argv.slice(6, 9)).toEqual(['netops-probe', '1', '10.32.0.1']);
    // The script is the same literal for every batch: nothing of the targets is spliced into it.
    expect(new Set(commands.map((c) => c.argv[5])).size).toBe(1);
    expect(first!.argv[5]).not.toContain('10.32.');
  });

  it('rejects a target, container or deadline that is not plainly valid before anything is sent', () => {
    expect(() => buildPingBatchCommands('web-1', ['10.32.0.1', '10.32.0.2;reboot'], 1)).toThrow(UsageError);
    expect(() => buildPingBatchCommands('web-1', ['$(reboot)'], 1)).toThrow(UsageError);
    expect(() => buildPingBatchCommands('web 1', ['10.32.0.1'], 1)).toThrow(UsageError);
    expect(() => buildPingBatchCommands('web-1', ['10.32.0.1'], 0)).toThrow(UsageError);
  });
});

describe('parsePingBatch', () => {
  const reply = { code: 0, stdout: '64 bytes from 10.32.0.1: seq=0 ttl=64 time=0.081 ms\n', stderr: '' };

  it('gives each target its own exit status, stdout and stderr', () => {
    const out = [
      batchLine('10.32.0.1', reply),
      batchLine('10.32.0.2', { code: 1, stdout: '1 packets transmitted, 0 packets received', stderr: '' }),
      batchLine('10.32.0.3', { code: 1, stdout: '', stderr: 'ping: permission denied (are you root?)' }),
    ].join('\n');
    const parsed = parsePingBatch(out, ['10.32.0.1', '10.32.0.2', '10.32.0.3'], 900);
    expect(parsed.get('10.32.0.1')).toMatchObject({ code: 0, stdout: reply.stdout.trim(), stderr: '' });
    expect(parsed.get('10.32.0.3')).toMatchObject({ code: 1, stderr: 'ping: permission denied (are you root?)' });
    const verdicts = [...parsed.values()].map((r) => interpretProbeResult(ICMP, r, 1).outcome);
    expect(verdicts).toEqual(['reachable', 'isolated', 'unknown']);
  });

  it('drops lines that are not whole: unasked IP, repeated IP, no or two exit statuses, two lines run together', () => {
    const good = batchLine('10.32.0.1', reply);
    const cases = [
      batchLine('10.32.0.9', reply),
      `${good}\n${good}`,
      'netops-probe 10.32.0.1\x1f64 bytes from 10.32.0.1',
      `${good}\x1frc 1`,
      `${good.slice(0, 30)}${batchLine('10.32.0.2', reply)}`,
    ];
    for (const stdout of cases) expect(parsePingBatch(stdout, ['10.32.0.1'], 5).has('10.32.0.1')).toBe(false);
  });
});

describe('the batch script in a real POSIX shell', () => {
  // A ping stand-in on PATH: its outcome per target, and a barrier that only opens when every target's ping has
  // started, so a batch that ran them one after another would report `alone`.
  const dir = mkdtempSync(join(tmpdir(), 'netops-ping-batch-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const targets = ['10.32.0.1', '10.32.0.2', '10.32.0.3', '10.32.0.4'];
  writeFileSync(
    join(dir, 'ping'),
    `#!/bin/sh
ip=$5
touch "${dir}/started.$ip"
i=0
while [ "$(ls "${dir}" | grep -c '^started\\.')" -lt ${targets.length} ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
[ $i -lt 100 ] || echo "alone"
case $ip in
  10.32.0.1) echo "PING $ip ($ip): 56 data bytes"; echo "64 bytes from $ip: seq=0 ttl=64 time=0.081 ms"; exit 0 ;;
  10.32.0.2) echo "PING $ip ($ip): 56 data bytes"; echo "1 packets transmitted, 0 packets received, 100% packet loss"; exit 1 ;;
  10.32.0.3) echo "ping: permission denied (are you root?)" >&2; exit 1 ;;
  *) printf '%s\\n' 'odd $(x) \`y\` "q" \\\\ output'; echo "ping: sendto: Network unreachable" >&2; exit 1 ;;
esac
`,
  );
  chmodSync(join(dir, 'ping'), 0o755);

  for (const shell of [['busybox', 'sh'], ['dash']]) {
    it(`runs every ping at once and prints one whole line each (${shell.join(' ')})`, async () => {
      for (const ip of targets) rmSync(join(dir, `started.${ip}`), { force: true });
      const [command] = buildPingBatchCommands('c1', targets, 1);
      const [bin, ...pre] = shell as [string, ...string[]];
      // argv after `docker exec c1 sh` is what the container's shell gets.
      const { stdout } = await run(bin, [...pre, ...command!.argv.slice(4)], {
        env: { PATH: `${dir}:/usr/bin:/bin` },
      });
      expect(stdout.trim().split('\n')).toHaveLength(targets.length);
      const parsed = parsePingBatch(stdout, targets, 100);
      expect([...parsed.keys()].sort()).toEqual(targets);
      expect(stdout).not.toContain('alone');
      const outcome = (ip: string) => interpretProbeResult(ICMP, parsed.get(ip)!, 1);
      expect(outcome('10.32.0.1')).toMatchObject({ outcome: 'reachable', rttMs: 0.081 });
      expect(outcome('10.32.0.2').outcome).toBe('isolated');
      expect(outcome('10.32.0.3')).toMatchObject({ outcome: 'unknown', detail: expect.stringMatching(/permission/) });
      expect(parsed.get('10.32.0.4')).toMatchObject({
        stdout: 'odd $(x) `y` "q" \\\\ output',
        stderr: 'ping: sendto: Network unreachable',
      });
      expect(outcome('10.32.0.4').outcome).toBe('isolated');
    });
  }
});

import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCommand, listTemplates } from '../../../../src/clients/ssh/index.js';
import { quoteShellArg } from '../../../../src/clients/ssh/quote.js';
import { ErrorCode, UsageError } from '../../../../src/errors.js';

/** What a real POSIX shell makes of the line: one argument per line, as printf prints them. */
function parseWithSh(line: string): string[] {
  const out = execFileSync('/bin/sh', ['-c', `printf "%s\\n" ${line}`]).toString();
  return out.split('\n').slice(0, -1);
}

describe('buildCommand', () => {
  it('fills and quotes a template, template literals included', () => {
    const cmd = buildCommand('docker.ps.byName', { name: 'web-5456bd7a' });
    expect(cmd.argv).toEqual([
      'docker',
      'ps',
      '-a',
      '--no-trunc',
      '--filter',
      'name=^/web-5456bd7a$',
      '--format',
      '{{.ID}} {{.Names}} {{.State}}',
    ]);
    expect(cmd.line).toBe(
      "'docker' 'ps' '-a' '--no-trunc' '--filter' 'name=^/web-5456bd7a$' '--format' '{{.ID}} {{.Names}} {{.State}}'",
    );
    expect(parseWithSh(cmd.line)).toEqual(cmd.argv);
  });

  it('includes optional groups only when their param is given', () => {
    const tcp = buildCommand('docker.exec.iperf3.client', {
      container: 'c1',
      ip: '10.32.1.2',
      seconds: 10,
      omit: true,
    });
    expect(tcp.argv.slice(3)).toEqual(['iperf3', '-c', '10.32.1.2', '-J', '-O', '1', '-t', '10']);
    const noOmit = buildCommand('docker.exec.iperf3.client', { container: 'c1', ip: '10.32.1.2', seconds: 10 });
    expect(noOmit.argv.slice(3)).toEqual(['iperf3', '-c', '10.32.1.2', '-J', '-t', '10']);
    const udp = buildCommand('docker.exec.iperf3.client', {
      container: 'c1',
      ip: '10.32.1.2',
      seconds: 10,
      streams: 4,
      udp: true,
    });
    expect(udp.argv.slice(-6)).toEqual(['10', '-P', '4', '-u', '-b', '0']);
    const run = buildCommand('docker.run', {
      name: 'bench-a',
      runId: 'r1',
      cidr: '10.32.1.0/24',
      image: 'netops/iperf3:3.16',
      args: ['-s', '--one-off'],
    });
    expect(run.argv).toEqual([
      'docker',
      'run',
      '-d',
      '--name',
      'bench-a',
      '-l',
      'netops.bench=r1',
      '-e',
      'WEAVE_CIDR=net:10.32.1.0/24',
      'netops/iperf3:3.16',
      '-s',
      '--one-off',
    ]);
    const proxied = buildCommand('docker.run', {
      name: 'bench-b',
      runId: 'r1',
      host: 'unix:///var/run/weave/weave.sock',
      cidr: '10.32.1.0/24',
      image: 'busybox',
      args: [],
    });
    expect(proxied.argv.slice(0, 4)).toEqual(['docker', '-H', 'unix:///var/run/weave/weave.sock', 'run']);
    // FTP and SCP servers carry settings in the environment and go through the proxy like any other.
    const proxiedEnv = buildCommand('docker.run.env', {
      name: 'bench-s',
      runId: 'r1',
      host: 'unix:///var/run/weave/weave.sock',
      cidr: '10.32.1.0/24',
      env1: 'FTP_USER=bench',
      image: 'netops/vsftpd',
      args: [],
    });
    expect(proxiedEnv.argv.slice(0, 4)).toEqual(['docker', '-H', 'unix:///var/run/weave/weave.sock', 'run']);
    expect(proxiedEnv.argv).toContain('FTP_USER=bench');
  });

  it.each([
    ['docker.ps.byLabel', { label: 'com.hashicorp.nomad.alloc_id', value: 'x; rm -rf /' }],
    ['docker.ps.byLabel', { label: '--all', value: 'x' }],
    ['weave.ps', { container: "web'$(reboot)" }],
    ['weave.ps', { container: '-H' }],
    ['docker.exec.ping', { container: 'c1', timeoutS: 1, ip: '10.32.1.256' }],
    ['docker.exec.tcp', { container: 'c1', timeoutS: 1, ip: '10.32.1.2', port: 70000 }],
    ['docker.exec.tcp', { container: 'c1', timeoutS: 1, ip: '10.32.1.2\n', port: 80 }],
    ['docker.exec.wget', { container: 'c1', target: '10.32.1.2', file: '../etc/passwd' }],
    ['docker.run', { name: 'a', runId: 'r', image: 'busybox', args: ['`id`'] }],
    ['docker.run', { name: 'a', runId: 'r', host: 'unix:///x;id', image: 'busybox', args: [] }],
    ['docker.run', { name: 'a', runId: 'r', host: '--tlsverify', image: 'busybox', args: [] }],
    ['which', { tool: 'ls|sh' }],
  ])('%s rejects hostile params %j with UsageError', (name, params) => {
    expect(() => buildCommand(name, params)).toThrow(UsageError);
  });

  it('bounds list params', () => {
    const ids = Array.from({ length: 65 }, (_, i) => i.toString(16).padStart(12, '0'));
    expect(() => buildCommand('docker.rm.ids', { ids })).toThrow(/at most 64/);
  });

  it('rejects unknown templates and params as programming errors', () => {
    expect(() => buildCommand('rm.everything')).toThrow(expect.objectContaining({ code: ErrorCode.Internal }));
    expect(() => buildCommand('weave.ps', { container: 'a', extra: 'b' })).toThrow(/no param extra/);
  });

  it('documents every template', () => {
    const names = listTemplates().map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['docker.ps.byLabel', 'weave.ps', 'docker.exec.wget', 'which']));
    for (const t of listTemplates()) expect(t.purpose.length).toBeGreaterThan(10);
  });
});

describe('quoting (property, real /bin/sh)', () => {
  it('any string survives quoteShellArg through sh unchanged', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 20 }), { minLength: 1, maxLength: 4 }), (args) => {
        const clean = args.map((a) => a.replace(/\0/g, ''));
        const line = clean.map(quoteShellArg).join(' ');
        const out = execFileSync('/bin/sh', ['-c', `printf '%s\\0' ${line}`]).toString();
        expect(out.split('\0').slice(0, -1)).toEqual(clean);
      }),
      { numRuns: 60 },
    );
  });

  it('hostile params either throw UsageError or come out of sh as exactly the argv', () => {
    let accepted = 0;
    const hostile = fc.oneof(
      fc.string({ maxLength: 16 }),
      fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9_.:/@+-]{0,15}$/),
      fc.stringMatching(/^(25[0-5]|1?[0-9]{1,2})(\.(25[0-5]|1?[0-9]{1,2})){3}$/),
      fc.constantFrom("a'b", 'a b', '$(id)', '`id`', 'x;id', 'a\\', '-rf', '*', 'x\ny', '10.32.1.2', 'c-1.web_2'),
    );
    fc.assert(
      fc.property(hostile, hostile, hostile, (container, ip, label) => {
        let cmd: ReturnType<typeof buildCommand>;
        try {
          cmd =
            label.length % 2 === 0
              ? buildCommand('docker.exec.ping', { container, timeoutS: 1, ip })
              : buildCommand('docker.ps.byLabel', { label: container, value: label });
        } catch (err) {
          expect(err).toBeInstanceOf(UsageError);
          return;
        }
        accepted++;
        expect(parseWithSh(cmd.line)).toEqual(cmd.argv);
      }),
      { numRuns: 150 },
    );
    // both branches must really be exercised
    expect(accepted).toBeGreaterThan(10);
  });
});

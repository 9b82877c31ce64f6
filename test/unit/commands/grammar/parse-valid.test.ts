import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../../src/commands/grammar/parse.js';

// Every command's accepted forms, with the typed args and the normalized text the grammar must produce.
describe('parseCommand: valid forms', () => {
  it.each<[string, string, Record<string, unknown>, string]>([
    [
      '/deploy httpbackend subnet=tenant-b',
      'deploy',
      { job: 'httpbackend', tenant: 'tenant-b' },
      '/deploy httpbackend subnet=tenant-b',
    ],
    [
      '/deploy web_1 subnet=t1 count=20 image=registry.lab:5000/team/app:1.2',
      'deploy',
      { job: 'web_1', tenant: 't1', count: 20, image: 'registry.lab:5000/team/app:1.2' },
      '/deploy web_1 subnet=t1 count=20 image=registry.lab:5000/team/app:1.2',
    ],
    [
      '/deploy subnet=t1 web count=1',
      'deploy',
      { job: 'web', tenant: 't1', count: 1 },
      '/deploy subnet=t1 web count=1',
    ],
    ['deploy web subnet=a', 'deploy', { job: 'web', tenant: 'a' }, '/deploy web subnet=a'],
    ['/netops deploy web subnet=a', 'deploy', { job: 'web', tenant: 'a' }, '/deploy web subnet=a'],
    ['/netops /deploy web subnet=a', 'deploy', { job: 'web', tenant: 'a' }, '/deploy web subnet=a'],
    ['/DePloy web SUBNET=a', 'deploy', { job: 'web', tenant: 'a' }, '/deploy web subnet=a'],
    ['  /deploy   web    subnet=a  ', 'deploy', { job: 'web', tenant: 'a' }, '/deploy web subnet=a'],
    ['/deploy stop web subnet=a', 'deploy-stop', { job: 'web', tenant: 'a' }, '/deploy stop web subnet=a'],
    ['/Deploy STOP web subnet=a', 'deploy-stop', { job: 'web', tenant: 'a' }, '/deploy stop web subnet=a'],
    ['/status', 'status', {}, '/netops-status'],
    ['/netops-status', 'status', {}, '/netops-status'],
    ['/NETOPS-Status', 'status', {}, '/netops-status'],
    ['/netops status', 'status', {}, '/netops-status'],
    // Slack's escaped mention (should_escape) keeps the member id for the audit filter.
    ['/audit user=<@U0ANN|ann>', 'audit', { count: 20, user: 'U0ANN' }, '/audit user=U0ANN'],
    ['/netops audit 5 user=<@W0GRID>', 'audit', { count: 5, user: 'W0GRID' }, '/audit 5 user=W0GRID'],
    [
      '/isolation-check a1 b1',
      'isolation-check',
      { a: 'a1', b: 'b1', ports: [], protos: ['icmp', 'tcp'] },
      '/isolation-check a1 b1',
    ],
    [
      '/isolation-check web.1 Svc_B port=80,8080 proto=udp,tcp,icmp',
      'isolation-check',
      { a: 'web.1', b: 'Svc_B', ports: [80, 8080], protos: ['udp', 'tcp', 'icmp'] },
      '/isolation-check web.1 Svc_B port=80,8080 proto=udp,tcp,icmp',
    ],
    [
      '/isolation-check tenant:tenant-a tenant:tenant-b port=65535',
      'isolation-check',
      { a: 'tenant:tenant-a', b: 'tenant:tenant-b', ports: [65535], protos: ['icmp', 'tcp'] },
      '/isolation-check tenant:tenant-a tenant:tenant-b port=65535',
    ],
    [
      '/cni-bench weave',
      'cni-bench',
      { network: 'weave', durationMs: 10_000, streams: 8, repeat: 3 },
      '/cni-bench weave',
    ],
    [
      '/cni-bench flannel from=u1 to=u2 duration=1m30s streams=64 repeat=5',
      'cni-bench',
      { network: 'flannel', from: 'u1', to: 'u2', durationMs: 90_000, streams: 64, repeat: 5 },
      '/cni-bench flannel from=u1 to=u2 duration=1m30s streams=64 repeat=5',
    ],
    [
      '/cni-bench weave duration=2s streams=2 repeat=1 from=u3',
      'cni-bench',
      { network: 'weave', from: 'u3', durationMs: 2_000, streams: 2, repeat: 1 },
      '/cni-bench weave duration=2s streams=2 repeat=1 from=u3',
    ],
    [
      '/cni-bench weave duration=2m',
      'cni-bench',
      { network: 'weave', durationMs: 120_000, streams: 8, repeat: 3 },
      '/cni-bench weave duration=2m',
    ],
    ['/cni-bench history weave', 'cni-bench-history', { network: 'weave', limit: 10 }, '/cni-bench history weave'],
    [
      '/cni-bench history weave limit=50',
      'cni-bench-history',
      { network: 'weave', limit: 50 },
      '/cni-bench history weave limit=50',
    ],
    [
      '/cni-bench compare weave flannel',
      'cni-bench-compare',
      { network: 'weave', other: 'flannel', published: false },
      '/cni-bench compare weave flannel',
    ],
    [
      '/cni-bench compare weave flannel routed published=yes',
      'cni-bench-compare',
      { network: 'weave', other: 'flannel', third: 'routed', published: true },
      '/cni-bench compare weave flannel routed published=yes',
    ],
    ['/help', 'help', {}, '/netops-help'],
    ['/netops-help deploy', 'help', { command: 'deploy' }, '/netops-help deploy'],
    ['/netops-help netops-status', 'help', { command: 'netops-status' }, '/netops-help netops-status'],
    ['/help deploy', 'help', { command: 'deploy' }, '/netops-help deploy'],
    ['/help /Deploy', 'help', { command: 'deploy' }, '/netops-help /Deploy'],
    ['/help cni-bench history', 'help', { command: 'cni-bench history' }, '/netops-help cni-bench history'],
    ['/help cni-bench-history', 'help', { command: 'cni-bench-history' }, '/netops-help cni-bench-history'],
    ['/netops', 'help', {}, '/netops-help'],
    ['netops', 'help', {}, '/netops-help'],
    ['/netops help', 'help', {}, '/netops-help'],
    ['/netops help status', 'help', { command: 'status' }, '/netops-help status'],
    ['/jobs', 'jobs', { limit: 10 }, '/jobs'],
    ['/jobs limit=1', 'jobs', { limit: 1 }, '/jobs limit=1'],
    ['/jobs status.1', 'jobs', { limit: 10, jobId: 'status.1' }, '/jobs status.1'],
    ['/cancel 1732886400-a1b2c3', 'cancel', { jobId: '1732886400-a1b2c3' }, '/cancel 1732886400-a1b2c3'],
    ['/cancel Job.42_x', 'cancel', { jobId: 'Job.42_x' }, '/cancel Job.42_x'],
  ])('%s', (input, name, args, text) => {
    const parsed = parseCommand(input);
    expect(parsed.name).toBe(name);
    expect(JSON.parse(JSON.stringify(parsed.args))).toEqual(args);
    expect(parsed.text).toBe(text);
  });

  it.each([
    ['Slack link around a name', '/isolation-check <http://a1|a1> <http://b1|b1>', { a: 'a1', b: 'b1' }],
    ['Slack auto-linked host name', '/isolation-check <http://web.lab|web.lab> b1', { a: 'web.lab', b: 'b1' }],
    [
      'smart quotes around values',
      '/isolation-check “a1” ‘b1’ proto=“tcp,udp”',
      { a: 'a1', b: 'b1', protos: ['tcp', 'udp'] },
    ],
    ['NBSP between tokens', '/isolation-check\u00A0a1\u202Fb1', { a: 'a1', b: 'b1' }],
    ['line breaks between tokens', '/isolation-check\na1\r\nb1', { a: 'a1', b: 'b1' }],
  ])('sanitizes first: %s', (_name, input, expected) => {
    expect(parseCommand(input).args).toMatchObject(expected);
  });

  it('treats names as case-sensitive while command words are not', () => {
    expect(parseCommand('/ISOLATION-CHECK A1 a1').args).toMatchObject({ a: 'A1', b: 'a1' });
  });

  it('normalizes text so that parsing it again gives the same command', () => {
    const first = parseCommand('/netops   CNI-BENCH  “weave”\u00A0 streams=4');
    const second = parseCommand(first.text);
    expect(second).toEqual(first);
    expect(first.text).toBe('/cni-bench weave streams=4');
  });

  it('accepts exactly maxLength characters', () => {
    const text = `/jobs${' '.repeat(100)}limit=5`;
    expect(parseCommand(text, { maxLength: text.length }).args).toEqual({ limit: 5 });
  });
});

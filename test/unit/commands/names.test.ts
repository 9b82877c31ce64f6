import { describe, expect, it } from 'vitest';
import {
  HOST_PATTERN,
  isImageRef,
  isWorkload,
  JOB_ID_PATTERN,
  JOB_NAME_PATTERN,
  NETWORK_PATTERN,
  portListSchema,
  portSchema,
  protocolListSchema,
  TENANT_PATTERN,
  tenantSchema,
} from '../../../src/commands/names.js';

describe('name patterns', () => {
  it.each<[string, RegExp, string[], string[]]>([
    [
      'job name',
      JOB_NAME_PATTERN,
      ['web', 'httpbackend', 'a', '0', 'web_1-x', 'a'.repeat(63)],
      ['', 'Web', '-web', '_web', 'web.1', 'a'.repeat(64), 'a b', 'stop\n'],
    ],
    [
      'tenant',
      TENANT_PATTERN,
      ['tenant-b', 't1', '1', 'a'.repeat(63)],
      ['', 'Tenant', 't_1', '-t', 't.1', 'a'.repeat(64)],
    ],
    [
      'host',
      HOST_PATTERN,
      ['u1', 'Node-2.lab', 'a_b', 'a'.repeat(63)],
      ['', '.u1', '-u1', 'u1:22', 'u 1', 'a'.repeat(64)],
    ],
    ['network', NETWORK_PATTERN, ['weave', 'flannel', 'Calico.v3'], ['', '-weave', 'weave/x', 'weave;']],
    [
      'job id',
      JOB_ID_PATTERN,
      ['1732886400-a1b2c3', 'Job.42_x', 'a'.repeat(128)],
      ['', '-x', 'a:b', 'a'.repeat(129), 'a b'],
    ],
  ])('%s', (_name, pattern, good, bad) => {
    for (const value of good) expect(pattern.test(value), value).toBe(true);
    for (const value of bad) expect(pattern.test(value), JSON.stringify(value)).toBe(false);
  });

  it('workload: a plain name or tenant:<tenant>', () => {
    for (const value of [
      'a1',
      'httpbackend-tenant-b',
      'Svc.web_1',
      'a'.repeat(128),
      'tenant:tenant-a',
      '0a1b2c3d-4e5f',
    ]) {
      expect(isWorkload(value), value).toBe(true);
    }
    for (const value of ['', 'a'.repeat(129), 'tenant:', 'tenant:Bad', 'tenant:a:b', 'a:b', '-a', 'a/b']) {
      expect(isWorkload(value), value).toBe(false);
    }
  });

  it.each([
    'nginx',
    'nginx:1.25',
    'library/nginx:1.25-alpine',
    'registry.lab:5000/team/app:1.2',
    'localhost/app',
    'localhost:5000/app:latest',
    'my-registry.example.com/a/b/c',
    'repo__x/a.b-c_d:TAG_1.x',
    `app@sha256:${'a'.repeat(64)}`,
    `registry.lab/app:1.0@sha256:${'0123456789abcdef'.repeat(4)}`,
    'host:5000/app',
  ])('image ref %s is valid', (ref) => {
    expect(isImageRef(ref)).toBe(true);
  });

  it.each([
    '',
    'Nginx',
    'Repo/x',
    'repo/x:1=2',
    'repo/x:',
    'repo/x:-tag',
    `repo/x:${'t'.repeat(129)}`,
    'repo//x',
    '/repo',
    'repo/',
    'repo-/x',
    'repo@sha256:abc',
    `repo@sha256:${'A'.repeat(64)}`,
    'http://registry/x',
    'repo;rm',
    'repo x',
    '$(id)',
    'a'.repeat(256),
  ])('image ref %j is invalid', (ref) => {
    expect(isImageRef(ref)).toBe(false);
  });

  it('rejects long hostile image refs fast', () => {
    const started = performance.now();
    for (let n = 0; n < 200; n++) isImageRef(`${'a-'.repeat(120)}!`);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('value schemas', () => {
  it('port: 1..65535', () => {
    expect(portSchema.parse('1')).toBe(1);
    expect(portSchema.parse('65535')).toBe(65535);
    for (const bad of ['0', '65536', '-1', '80.0', '0x50', ' 80', ''])
      expect(portSchema.safeParse(bad).success, bad).toBe(false);
  });

  it('port list: distinct ports', () => {
    expect(portListSchema.parse('80,443,8080')).toEqual([80, 443, 8080]);
    for (const bad of ['80,80', '80,', ',80', '80;443', 'http'])
      expect(portListSchema.safeParse(bad).success, bad).toBe(false);
  });

  it('protocol list: icmp, tcp, udp without duplicates', () => {
    expect(protocolListSchema.parse('udp,icmp')).toEqual(['udp', 'icmp']);
    for (const bad of ['', 'tcp,', 'tcp,tcp', 'TCP', 'sctp', 'tcp udp']) {
      expect(protocolListSchema.safeParse(bad).success, bad).toBe(false);
    }
  });

  it('name schemas say what was expected and what came', () => {
    const result = tenantSchema.safeParse('Bad;');
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(
      'must be a tenant name (1-63 of a-z 0-9 -, starting with a letter or digit), got `Bad;`',
    );
  });
});

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigFileError, chooseFrontEnd, loadConfig } from '../../../src/config/index.js';
import { baseEnv, type ConfigFixture, catchConfigError, createConfigFixture } from './config-fixture.js';

const repoRoot = resolve(import.meta.dirname, '../../..');

describe('loadConfig', () => {
  let fx: ConfigFixture;
  beforeEach(() => {
    fx = createConfigFixture();
  });
  afterEach(() => fx.remove());

  it('loads the shipped example with an empty environment', () => {
    const config = loadConfig({}, { cwd: repoRoot });
    expect(config.clusters.map((c) => c.name)).toEqual(['lab']);
    expect(config.hosts.map((h) => [h.name, h.port, h.agent])).toEqual([
      ['u1', 22, true],
      ['u2', 22, true],
      ['u3', 22, true],
    ]);
    expect(config.networks.find((n) => n.name === 'weave')?.mtu).toBe(1376);
    expect(config.jobs.dir).toBe(join(repoRoot, 'jobs'));
    expect(config.redis.url).toBeUndefined();
    expect(chooseFrontEnd(config, { env: {} })).toBe('console');
  });

  it('resolves secrets from env and from files, and reads the private key', () => {
    const config = loadConfig(baseEnv(), { path: fx.writeConfig(fx.baseDoc()) });
    const cluster = config.clusters[0]!;
    expect(cluster.nomad.token).toBe(baseEnv().NOMAD_TOKEN);
    expect(cluster.consul.token).toBe(fx.consulToken);
    expect(config.hosts[0]!.keyFile).toBe(fx.keyPath);
    expect(config.hosts[0]!.privateKey).toBe(fx.privateKey);
    expect(config.hosts[1]!.privateKey).toBeUndefined();
  });

  it('applies defaults and resolves relative paths against the config file', () => {
    const config = loadConfig(baseEnv(), { path: fx.writeConfig(fx.baseDoc()) });
    expect(config.clusters[0]!.nomad).toMatchObject({ region: 'global', namespace: 'default', timeoutMs: 10_000 });
    expect(config.clusters[0]!.consul).toMatchObject({ agentPort: 8500, dnsPort: 8600, domain: 'consul' });
    expect(config.limits).toEqual({ sshTimeoutMs: 15_000, sshOutputCapBytes: 1_048_576, sshConcurrencyPerHost: 8 });
    expect(config.slack.port).toBe(3000);
    expect(config.hosts[1]!.port).toBe(2222);
    expect(config.jobs.dir).toBe(join(fx.dir, 'jobs'));
  });

  it('returns a deep-frozen config', () => {
    const config = loadConfig(baseEnv(), { path: fx.writeConfig(fx.baseDoc()) });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.clusters[0]!.nomad)).toBe(true);
    expect(() => {
      (config.hosts[0] as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('reads Slack secrets from the conventional variables when the file has no slack section', () => {
    const env = {
      ...baseEnv(),
      SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
      SLACK_SIGNING_SECRET: 'f00dfeed',
      REDIS_URL: 'redis://:pw1234@127.0.0.1:6390',
    };
    const config = loadConfig(env, { path: fx.writeConfig(fx.baseDoc()) });
    expect(config.slack.botToken).toBe('xoxb-1-2-abc');
    expect(config.redis.url).toBe('redis://:pw1234@127.0.0.1:6390');
    expect(chooseFrontEnd(config, { env: {} })).toBe('http');
    const socket = loadConfig({ ...env, SLACK_APP_TOKEN: 'xapp-1-x' }, { path: fx.writeConfig(fx.baseDoc()) });
    expect(chooseFrontEnd(socket, { env: {} })).toBe('socket');
  });

  it('treats an optional reference to an unset variable as unset', () => {
    const doc = { ...fx.baseDoc(), redis: { url: { env: 'NETOPS_TEST_REDIS', optional: true } } };
    expect(loadConfig(baseEnv(), { path: fx.writeConfig(doc) }).redis.url).toBeUndefined();
    const set = loadConfig({ ...baseEnv(), NETOPS_TEST_REDIS: 'redis://127.0.0.1:1' }, { path: fx.writeConfig(doc) });
    expect(set.redis.url).toBe('redis://127.0.0.1:1');
  });

  it('chooses the file: --config, then NETOPS_CONFIG, then config/netops.yaml, then the example', () => {
    mkdirSync(join(fx.dir, 'config'));
    // Files under config/ resolve relative paths against config/, so point at the fixture files absolutely.
    const absolute = fx.baseDoc();
    const [cluster] = absolute.clusters as { consul: Record<string, unknown> }[];
    cluster!.consul.token = { file: fx.consulTokenPath };
    (absolute.hosts as Record<string, unknown>[])[0]!.keyFile = fx.keyPath;
    const example = { ...absolute, tenants: [] };
    writeFileSync(join(fx.dir, 'config/netops.example.yaml'), JSON.stringify(example));
    const env = baseEnv();
    expect(loadConfig(env, { cwd: fx.dir }).tenants).toEqual([]);
    writeFileSync(join(fx.dir, 'config/netops.yaml'), JSON.stringify({ ...example, networks: [] }));
    expect(loadConfig(env, { cwd: fx.dir }).networks).toEqual([]);
    const fromEnv = fx.writeConfig(fx.baseDoc(), 'from-env.yaml');
    expect(loadConfig({ ...env, NETOPS_CONFIG: 'from-env.yaml' }, { cwd: fx.dir }).tenants).toHaveLength(2);
    const explicit = fx.writeConfig({ ...fx.baseDoc(), hosts: [] }, 'explicit.yaml');
    expect(loadConfig({ ...env, NETOPS_CONFIG: fromEnv }, { cwd: fx.dir, path: explicit }).hosts).toEqual([]);
  });

  it('uses the injected readFile for the config, secret files and key files', () => {
    const files = new Map<string, string>([
      ['/etc/netops/netops.yaml', JSON.stringify(fx.baseDoc())],
      ['/etc/netops/consul.token', 'c0ffee-token\n'],
      ['/etc/netops/id_ed25519', fx.privateKey],
    ]);
    const readFile = (p: string) => {
      const text = files.get(p);
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
      return text;
    };
    const config = loadConfig(baseEnv(), { path: '/etc/netops/netops.yaml', readFile });
    expect(config.clusters[0]!.consul.token).toBe('c0ffee-token');
    expect(config.hosts[0]!.keyFile).toBe('/etc/netops/id_ed25519');
  });

  it('names the file when it cannot be read', () => {
    const missing = join(fx.dir, 'nope.yaml');
    const err = catchConfigError(() => loadConfig({}, { path: missing }));
    expect(err).toBeInstanceOf(ConfigFileError);
    expect(err.problems).toEqual([
      expect.stringMatching(/nope\.yaml: cannot read the config file \(ENOENT\) — pass --config/),
    ]);
  });

  it('reports an unreadable key file', () => {
    // Root reads any file whatever its mode, so the permission error comes from an injected reader.
    const readFile = (p: string) => {
      if (p === fx.keyPath) throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
      return readFileSync(p, 'utf8');
    };
    const err = catchConfigError(() => loadConfig(baseEnv(), { path: fx.writeConfig(fx.baseDoc()), readFile }));
    expect(err.problems.join('\n')).toMatch(/hosts\[0\]\.keyFile: cannot read .*\(EACCES\)/);
  });
});

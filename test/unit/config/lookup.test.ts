import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Config,
  clusterFor,
  findHost,
  findNetwork,
  findTenant,
  loadConfig,
  tenantForIp,
} from '../../../src/config/index.js';
import { baseEnv, type ConfigFixture, createConfigFixture } from './config-fixture.js';

describe('config lookups', () => {
  let fx: ConfigFixture;
  let config: Config;
  let twoClusters: Config;
  beforeAll(() => {
    fx = createConfigFixture();
    const doc = fx.baseDoc();
    (doc.tenants as unknown[]).push({ name: 'narrow', subnet: '10.32.2.128/25', network: 'weave' });
    config = loadConfig(baseEnv(), { path: fx.writeConfig(doc) });
    const multi = fx.baseDoc();
    const clusters = multi.clusters as Record<string, unknown>[];
    clusters.push({ ...clusters[0]!, name: 'prod' });
    const hosts = multi.hosts as Record<string, unknown>[];
    hosts[0]!.cluster = 'prod';
    hosts[1]!.cluster = 'lab';
    twoClusters = loadConfig(baseEnv(), { path: fx.writeConfig(multi, 'multi.yaml') });
  });
  afterAll(() => fx.remove());

  it('finds entries by name', () => {
    expect(findHost(config, 'u2')?.address).toBe('192.168.56.12');
    expect(findHost(config, 'u9')).toBeUndefined();
    expect(findNetwork(config, 'weave')?.interface).toBe('ethwe');
    expect(findTenant(config, 'tenant-b')?.subnet).toBe('10.32.1.0/24');
    expect(findTenant(config, 'nope')).toBeUndefined();
  });

  it('maps an overlay IP to its tenant', () => {
    expect(tenantForIp(config, '10.32.0.7')?.name).toBe('default');
    expect(tenantForIp(config, '10.32.1.255')?.name).toBe('tenant-b');
    expect(tenantForIp(config, '10.32.2.200')?.name).toBe('narrow');
    expect(tenantForIp(config, '10.32.2.1')).toBeUndefined();
    expect(tenantForIp(config, '192.168.56.11')).toBeUndefined();
    expect(tenantForIp(config, 'not-an-ip')).toBeUndefined();
  });

  it('finds the cluster of a host, defaulting to the only or first cluster', () => {
    expect(clusterFor(config, findHost(config, 'u1')).name).toBe('lab');
    expect(clusterFor(config).name).toBe('lab');
    expect(clusterFor(twoClusters, findHost(twoClusters, 'u1')).name).toBe('prod');
    expect(clusterFor(twoClusters, findHost(twoClusters, 'u2')).name).toBe('lab');
    expect(clusterFor(twoClusters).name).toBe('lab');
  });
});

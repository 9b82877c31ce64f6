import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { stringify } from 'yaml';
import { ConfigError } from '../../../src/errors.js';

/** A temporary directory with a real private key, a secret file and a config file written on demand. */
export interface ConfigFixture {
  dir: string;
  keyPath: string;
  privateKey: string;
  hostKey: string;
  consulTokenPath: string;
  consulToken: string;
  /** A complete, valid document (as a plain object) using the files above. */
  baseDoc(): Record<string, unknown>;
  /** Writes the document (object or YAML text) as config.yaml and returns its path. */
  writeConfig(doc: Record<string, unknown> | string, name?: string): string;
  remove(): void;
}

/** Creates a fixture directory; call remove() in afterEach/afterAll. */
export function createConfigFixture(): ConfigFixture {
  const dir = mkdtempSync(join(tmpdir(), 'netops-config-'));
  const client = ssh2.utils.generateKeyPairSync('ed25519');
  const host = ssh2.utils.generateKeyPairSync('ed25519', { comment: 'u1' });
  const keyPath = join(dir, 'id_ed25519');
  writeFileSync(keyPath, client.private, { mode: 0o600 });
  const consulToken = `${crypto.randomUUID()}`;
  const consulTokenPath = join(dir, 'consul.token');
  writeFileSync(consulTokenPath, `${consulToken}\n`, { mode: 0o600 });
  return {
    dir,
    keyPath,
    privateKey: client.private,
    hostKey: host.public,
    consulTokenPath,
    consulToken,
    baseDoc: () => ({
      clusters: [
        {
          name: 'lab',
          nomad: { address: 'http://127.0.0.1:4646', token: { env: 'NOMAD_TOKEN' } },
          consul: { address: 'http://127.0.0.1:8500', token: { file: 'consul.token' } },
        },
      ],
      hosts: [
        { name: 'u1', address: '192.168.56.11', user: 'netops', keyFile: 'id_ed25519', hostKey: host.public },
        { name: 'u2', address: '192.168.56.12', port: 2222, user: 'netops', agent: true, hostKey: host.public },
      ],
      networks: [
        { name: 'weave', kind: 'weave', attach: 'proxy', interface: 'ethwe', range: '10.32.0.0/16', mtu: 1376 },
        { name: 'host', kind: 'host', attach: 'host', mtu: 9000 },
      ],
      tenants: [
        { name: 'default', subnet: '10.32.0.0/24', network: 'weave' },
        { name: 'tenant-b', subnet: '10.32.1.0/24', network: 'weave' },
      ],
      jobs: { dir: 'jobs' },
    }),
    writeConfig(doc, name = 'config.yaml') {
      const path = join(dir, name);
      writeFileSync(path, typeof doc === 'string' ? doc : stringify(doc));
      return path;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The environment the base document needs. */
export const baseEnv = (): NodeJS.ProcessEnv => ({ NOMAD_TOKEN: 'b3f1c1de-8d0e-4c4e-9a51-0f5c2b8f7a10' });

/** Runs fn, expecting it to throw a ConfigError, and returns that error. */
export function catchConfigError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

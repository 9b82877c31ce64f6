import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, loadConfigAsync } from '../../../src/config/index.js';
import { MAX_CONFIG_FILE_BYTES } from '../../../src/config/safe-read.js';
import { createSilentLogger } from '../../../src/logging.js';
import { createPolicySource } from '../../../src/main/policy-source.js';

const dir = mkdtempSync(join(tmpdir(), 'netops-policy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const configText = (users: string) => `
clusters:
  - { name: lab, nomad: { address: http://127.0.0.1:4646 }, consul: { address: http://127.0.0.1:8500 } }
tenants: []
policy:
  roles: { ops: { commands: ['*'], tenants: ['*'] } }
  users: { ${users} }
`;

describe('policy source: the worker sees the config of the moment', () => {
  it('re-reads the file when it changes, and keeps the last good policy when the new file is broken', async () => {
    const file = join(dir, 'netops.yaml');
    writeFileSync(file, configText('U1: [ops]'));
    const config = loadConfig({}, { path: file });
    const source = createPolicySource(config, { env: {}, path: file, logger: createSilentLogger(), checkEveryMs: 0 });
    expect(source.policy()?.users).toEqual({ U1: ['ops'] });

    writeFileSync(file, configText('U2: [ops]'));
    utimesSync(file, new Date(), new Date(Date.now() + 5_000));
    await source.reload();
    expect(source.policy()?.users).toEqual({ U2: ['ops'] });

    writeFileSync(file, configText('U3: [no-such-role]'));
    utimesSync(file, new Date(), new Date(Date.now() + 10_000));
    await source.reload();
    expect(source.policy()?.users).toEqual({ U2: ['ops'] });
  });
});

describe('policy source: hostile files on reload (issue 17 item 8)', () => {
  const withSecretFile = (users: string) => `${configText(users)}
redis: { url: { file: redis.url } }
`;
  async function setup() {
    const sub = mkdtempSync(join(dir, 'hostile-'));
    const file = join(sub, 'netops.yaml');
    const secret = join(sub, 'redis.url');
    writeFileSync(secret, 'redis://:pw-secret-1234@127.0.0.1:6390\n');
    writeFileSync(file, withSecretFile('U1: [ops]'));
    const config = await loadConfigAsync({}, { path: file });
    const source = createPolicySource(config, { env: {}, path: file, logger: createSilentLogger(), checkEveryMs: 0 });
    const touch = (ms: number) => {
      writeFileSync(file, withSecretFile('U9: [ops]'));
      utimesSync(file, new Date(), new Date(Date.now() + ms));
    };
    return { source, secret, touch };
  }

  it('a secret file replaced by a FIFO is refused at once and the last good policy stays', async () => {
    const { source, secret, touch } = await setup();
    rmSync(secret);
    execFileSync('mkfifo', [secret]);
    touch(5_000);
    // Without O_NONBLOCK this open waits for a writer forever (the test would time out).
    await source.reload();
    expect(source.policy()?.users).toEqual({ U1: ['ops'] });
  });

  it('a secret file replaced by /dev/zero is refused (not a regular file) and the last good policy stays', async () => {
    const { source, secret, touch } = await setup();
    rmSync(secret);
    symlinkSync('/dev/zero', secret);
    touch(6_000);
    await source.reload();
    expect(source.policy()?.users).toEqual({ U1: ['ops'] });
  });

  it('an oversized secret file is refused and the last good policy stays; a good file then applies', async () => {
    const { source, secret, touch } = await setup();
    writeFileSync(secret, 'x'.repeat(MAX_CONFIG_FILE_BYTES + 1));
    touch(7_000);
    await source.reload();
    expect(source.policy()?.users).toEqual({ U1: ['ops'] });
    writeFileSync(secret, 'redis://127.0.0.1:6390\n');
    touch(8_000);
    await source.reload();
    expect(source.policy()?.users).toEqual({ U9: ['ops'] });
  });
});

describe('config files at start-up and --config (issue 17 item 8)', () => {
  it('a FIFO or /dev/zero as the config file is refused with the reason, sync and async', async () => {
    const fifo = join(dir, 'fifo.yaml');
    execFileSync('mkfifo', [fifo]);
    for (const path of [fifo, '/dev/zero']) {
      await expect(loadConfigAsync({}, { path })).rejects.toThrow(/cannot read the config file \(ENOTREG\)/);
      expect(() => loadConfig({}, { path })).toThrow(/ENOTREG/);
    }
  });
  it('an oversized config file is refused (EFBIG)', async () => {
    const big = join(dir, 'big.yaml');
    writeFileSync(big, `# ${'x'.repeat(MAX_CONFIG_FILE_BYTES)}\n`);
    await expect(loadConfigAsync({}, { path: big })).rejects.toThrow(/EFBIG/);
  });
});

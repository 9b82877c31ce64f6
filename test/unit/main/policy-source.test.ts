import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';
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
  it('re-reads the file when it changes, and keeps the last good policy when the new file is broken', () => {
    const file = join(dir, 'netops.yaml');
    writeFileSync(file, configText('U1: [ops]'));
    const config = loadConfig({}, { path: file });
    const source = createPolicySource(config, { env: {}, path: file, logger: createSilentLogger(), checkEveryMs: 0 });
    expect(source.policy()?.users).toEqual({ U1: ['ops'] });

    writeFileSync(file, configText('U2: [ops]'));
    utimesSync(file, new Date(), new Date(Date.now() + 5_000));
    expect(source.policy()?.users).toEqual({ U2: ['ops'] });

    writeFileSync(file, configText('U3: [no-such-role]'));
    utimesSync(file, new Date(), new Date(Date.now() + 10_000));
    expect(source.policy()?.users).toEqual({ U2: ['ops'] });
  });
});

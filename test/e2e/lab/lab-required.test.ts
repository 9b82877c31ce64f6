import { describe, expect, it } from 'vitest';
import { gateLabSuite, REQUIRE_LAB_ENV } from '../../lab/lab-gate.js';
import { checkLabSupport } from '../../lab/lab-support.js';
import { runProcess } from '../../lab/run-process.js';

const support = await checkLabSupport();
const skipLab = gateLabSuite(support, 'lab required in CI');

/**
 * The real path of `.ci/run`: a lab suite run by a user who cannot build the lab (uid 65534, no root) fails
 * under NETOPS_REQUIRE_LAB=1 and is skipped without it. `--configLoader runner` keeps vitest from writing a
 * bundled config next to node_modules, which that user may not do.
 */
describe.skipIf(skipLab)('lab suites under NETOPS_REQUIRE_LAB', () => {
  const runAsNobody = (env: Record<string, string>) =>
    runProcess(
      [
        'setpriv',
        '--reuid=65534',
        '--regid=65534',
        '--clear-groups',
        'env',
        'HOME=/tmp',
        ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
        'node_modules/.bin/vitest',
        'run',
        '--configLoader',
        'runner',
        'test/e2e/lab/lab-topology.test.ts',
      ],
      { timeoutMs: 120_000, env: { ...process.env, [REQUIRE_LAB_ENV]: '' } },
    );

  it('fails a lab suite that cannot run when the lab is required', async () => {
    const res = await runAsNobody({ [REQUIRE_LAB_ENV]: '1' });
    expect(res.code, res.stdout + res.stderr).not.toBe(0);
    expect(res.stdout + res.stderr).toMatch(/lab topology cannot run: lab needs root/);
  }, 150_000);

  it('skips it (exit 0, reason printed) when the lab is not required', async () => {
    const res = await runAsNobody({});
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(res.stdout + res.stderr).toMatch(/skipping lab topology: lab needs root/);
  }, 150_000);
});

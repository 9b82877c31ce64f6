import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli.js';
import { gateLabSuite } from '../../lab/lab-gate.js';
import { useLabForTests } from '../../lab/lab-hooks.js';
import { checkLabSupport, runOverSsh } from '../../lab/lab-support.js';
import { CONFIG_PATH } from '../../lab/topology.js';

const support = await checkLabSupport();
const skipLab = gateLabSuite(support, 'Docker 19.03 and 25 hosts');

const netops = (text: string) => runCli([text, '--json', '--config', CONFIG_PATH]);

describe.skipIf(skipLab)('a host on Docker 19.03 (no ps {{.State}})', () => {
  useLabForTests({ dockerVersion: '19.03.15', withoutEmulators: true });

  it('reports the version and fails the {{.State}} template as the 19.03 CLI does', async () => {
    expect(
      (await runOverSsh('u1', "docker version --format '{{.Client.Version}} {{.Server.APIVersion}}'")).stdout,
    ).toBe('19.03.15 1.40\n');
    const ps = await runOverSsh('u1', "docker ps -a --format '{{.ID}} {{.State}}'");
    expect(ps.code).toBe(1);
    expect(ps.stderr).toContain("can't evaluate field State");
  });

  it('/cni-bench refuses before starting anything, naming host, version and the supported window', async () => {
    const res = await netops('/cni-bench weave');
    expect(res.code).toBe(1);
    const error = String(res.json?.error);
    expect(error).toContain('CLI 19.03.15 is older than 20.10');
    expect(error).toContain('Docker CLI 20.10 or later, Engine up to 24.x with Weave 2.8.1');
    expect((await runOverSsh('u1', 'docker ps -aq')).stdout).toBe('');
  }, 120_000);
});

describe.skipIf(skipLab)('a host on Docker 25 (refuses API 1.18: Weave 2.8.1 proxy and weave ps)', () => {
  useLabForTests({ dockerVersion: '25.0.3', withoutEmulators: true });

  it('fails docker through the proxy and weave ps with the daemon answer; Docker itself still works', async () => {
    const viaProxy = await runOverSsh('u1', 'docker -H unix:///var/run/weave/weave.sock run -d busybox');
    expect(viaProxy.code).toBe(1);
    expect(viaProxy.stderr).toContain('client version 1.18 is too old. Minimum supported API version is 1.24');
    const ps = await runOverSsh('u1', 'weave ps');
    expect(ps.code).toBe(1);
    expect(ps.stderr).toContain('client version 1.18 is too old');
    expect((await runOverSsh('u1', 'docker run -d --name plain busybox')).code).toBe(0);
  });

  it('/status lists the Engine as outside the window on every host', async () => {
    const res = await netops('/status');
    const problems = (res.json?.problems ?? []) as string[];
    const docker = problems.filter((p) => p.startsWith('docker on'));
    expect(docker).toHaveLength(3);
    expect(docker[0]).toContain('Engine 25.0.3 (API 1.44) refuses API 1.18');
  }, 120_000);
});

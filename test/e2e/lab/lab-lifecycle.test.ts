import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOnHost } from '../../lab/host-exec.js';
import { downLab, isProcessRunning, listLabLinks, listLabNamespaces } from '../../lab/lab-down.js';
import { gateLabSuite } from '../../lab/lab-gate.js';
import { holdLabLock } from '../../lab/lab-lock.js';
import { readLabState } from '../../lab/lab-state.js';
import { checkLabSupport, LAB_LOCK_WAIT_MS, runOnHostOk } from '../../lab/lab-support.js';
import { upLab } from '../../lab/lab-up.js';
import { runProcess } from '../../lab/run-process.js';
import { LAB_DIR, LAB_JSON, STATE_DIR } from '../../lab/topology.js';

const support = await checkLabSupport();
const skipLab = gateLabSuite(support, 'lab lifecycle (up twice, CLI, down)');

const isAlive = isProcessRunning;

async function readMtu(dev: string): Promise<number> {
  const out = await runOnHostOk('u1', ['ip', '-o', 'link', 'show', dev]);
  return Number(/ mtu (\d+)/.exec(out)?.[1]);
}

const cli = (...args: string[]) => runProcess(['npx', 'tsx', join(LAB_DIR, 'cli.ts'), ...args], { timeoutMs: 120_000 });

describe.skipIf(skipLab)('lab lifecycle', () => {
  // Other test processes may hold the lab: wait for it here, not inside a test's 30 s timeout.
  beforeAll(() => holdLabLock(), LAB_LOCK_WAIT_MS);
  afterAll(async () => {
    await downLab();
  }, LAB_LOCK_WAIT_MS);

  it('honours --overlay-mtu on the weave bridge, its VXLAN and container interfaces', async () => {
    await upLab({ overlayMtu: 8900, withoutEmulators: true });
    expect(await readMtu('weave')).toBe(8900);
    expect(await readMtu('vxlan-6784')).toBe(8900);
    await runOnHostOk('u1', [
      'docker',
      '-H',
      'unix:///var/run/weave/weave.sock',
      'run',
      '-d',
      '--name',
      'm1',
      'busybox',
    ]);
    expect(await runOnHostOk('u1', ['docker', 'exec', 'm1', 'cat', '/sys/class/net/ethwe/mtu'])).toBe('8900\n');
    // Weave takes any WEAVE_MTU a bridge takes (one too large for fastdp falls back to sleeve); beyond 65535, none.
    await expect(upLab({ overlayMtu: 65536, withoutEmulators: true })).rejects.toThrow(/--overlay-mtu/);
  });

  it('starts over on a second up: previous containers gone, default MTU back, sshd answering', async () => {
    await upLab({ overlayMtu: 8900, withoutEmulators: true });
    await runOnHostOk('u2', ['docker', 'run', '-d', '--name', 'old', 'busybox']);
    const oldPid = Number((await runOnHostOk('u2', ['docker', 'inspect', '-f', '{{.State.Pid}}', 'old'])).trim());
    expect(isAlive(oldPid)).toBe(true);
    await upLab();
    expect(isAlive(oldPid)).toBe(false);
    expect(await runOnHostOk('u2', ['docker', 'ps', '-aq'])).toBe('');
    expect(await readMtu('weave')).toBe(1376);
    const status = await cli('status', '--json');
    const json = JSON.parse(status.stdout) as { up: boolean; configPath: string; nomadAddress: string };
    expect(json.up).toBe(true);
    expect(json.configPath).toBe(join(STATE_DIR, 'netops.lab.yaml'));
    expect(json.nomadAddress).toBe('http://192.168.56.1:4646');
  });

  it('runs commands over SSH with `exec`, passing output and the exit code through', async () => {
    const ok = await cli('exec', 'u3', 'docker run -d --name e1 busybox >/dev/null && docker ps --format "{{.Names}}"');
    expect([ok.code, ok.stdout]).toEqual([0, 'e1\n']);
    const failed = await cli('exec', 'u3', 'docker exec e1 sh -c "exit 3"');
    expect(failed.code).toBe(3);
  });

  it('removes everything on down, also after a crash that lost lab.json', async () => {
    await runOnHostOk('u1', ['docker', 'run', '-d', '--name', 'h1', '--net=host', 'busybox']);
    await runOnHostOk('u1', ['weave', 'expose']);
    const hostPid = Number((await runOnHostOk('u1', ['docker', 'inspect', '-f', '{{.State.Pid}}', 'h1'])).trim());
    const state = readLabState();
    const pids = [hostPid, ...(state?.pids ?? []), ...(state?.hosts.map((h) => h.sshdPid) ?? [])];
    expect(pids.every(isAlive)).toBe(true);
    rmSync(LAB_JSON); // the crash
    // Keep the lab lock so no other test process builds its lab before the checks below.
    await downLab({ keepLock: true });
    expect(await listLabNamespaces()).toEqual([]);
    expect(await listLabLinks()).toEqual([]);
    expect(pids.filter(isAlive)).toEqual([]);
    expect(readFileSync('/etc/passwd', 'utf8')).not.toMatch(/^netops:/m);
    expect(readFileSync('/etc/shadow', 'utf8')).not.toMatch(/^netops:/m);
    expect(existsSync(STATE_DIR)).toBe(false);
    const r = await runOnHost('u1', ['true']);
    expect(r.code).not.toBe(0);
    // A second down on nothing is fine.
    await downLab({ keepLock: true });
  });
});

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { runOnHost } from './host-exec.js';
import { downLab } from './lab-down.js';
import { buildSshArgv } from './lab-sshd.js';
import { type UpOptions, upLab } from './lab-up.js';
import { type ProcessResult, runProcess } from './run-process.js';
import type { LabHost } from './topology.js';

/** Whether this machine can build the lab, and why not. */
export interface LabSupport {
  supported: boolean;
  reason: string;
}

/**
 * Checks the lab's prerequisites: root, network namespaces (by creating and deleting one), sshd, jq. Tests use
 * it with `describe.skipIf(!support.supported)` and print the reason, so a skip is never a silent pass.
 */
export async function checkLabSupport(): Promise<LabSupport> {
  if (process.platform !== 'linux') return { supported: false, reason: `lab needs Linux, not ${process.platform}` };
  if (process.getuid?.() !== 0) return { supported: false, reason: 'lab needs root (network namespaces, veth, sshd)' };
  for (const tool of ['/usr/sbin/sshd', '/usr/bin/jq', '/usr/bin/ssh']) {
    if (!existsSync(tool))
      return { supported: false, reason: `lab needs ${tool} (apt-get install -y openssh-server jq)` };
  }
  const probe = `nl-probe-${process.pid}`;
  const add = await runProcess(['ip', 'netns', 'add', probe]);
  if (add.code !== 0) return { supported: false, reason: `\`ip netns add\` failed: ${add.stderr.trim()}` };
  await runProcess(['ip', 'netns', 'del', probe]);
  return { supported: true, reason: '' };
}

/** Logs why a lab suite is skipped (vitest shows the suite as skipped; this says why). */
export function reportLabSkip(support: LabSupport, suite: string): void {
  if (!support.supported) console.warn(`[lab] skipping ${suite}: ${support.reason}`);
}

/** Runs a shell command line on a host over real SSH, as the bot does. */
export function runOverSsh(host: LabHost, command: string, timeoutMs = 30_000): Promise<ProcessResult> {
  return runProcess(buildSshArgv(host, command), { timeoutMs });
}

/** Runs argv on a host (namespace exec) and throws unless it exits 0; returns stdout. */
export async function runOnHostOk(host: LabHost, argv: readonly string[]): Promise<string> {
  const r = await runOnHost(host, argv);
  if (r.code !== 0) throw new Error(`${host}: ${argv.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** File the lab tests lock while they own the lab (outside the state dir, which `down` deletes). */
export const LAB_LOCK_FILE = '/run/lock/netops-lab.lock';

/**
 * Waits for exclusive use of the lab across processes (test runs of several developers or CI jobs on one
 * machine would otherwise tear down each other's lab). Holds `flock` in a child process; the returned
 * function releases it by killing that child's process group.
 */
export async function acquireLabLock(timeoutMs = 600_000): Promise<() => void> {
  const holder = spawn(
    'flock',
    ['-w', String(Math.ceil(timeoutMs / 1000)), LAB_LOCK_FILE, 'sh', '-c', 'echo locked; exec sleep infinity'],
    { detached: true, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    holder.stdout.once('data', () => resolve());
    holder.once('exit', (code) => reject(new Error(`could not lock ${LAB_LOCK_FILE} (flock exited ${code})`)));
  });
  holder.unref();
  const pgid = holder.pid!;
  return () => {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already released
    }
  };
}

/** Locks the lab, then brings it up; returns the teardown (down, then unlock). For beforeAll/afterAll. */
export async function bringUpLabForTests(opts: UpOptions = {}): Promise<() => Promise<void>> {
  const release = await acquireLabLock();
  try {
    await upLab(opts);
  } catch (err) {
    await downLab();
    release();
    throw err;
  }
  return async () => {
    try {
      await downLab();
    } finally {
      release();
    }
  };
}

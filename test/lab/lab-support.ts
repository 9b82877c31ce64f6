import { existsSync } from 'node:fs';
import { runOnHost } from './host-exec.js';

/** Hook timeout for bringing the lab up or down: other test processes may hold it for a while. */
export const LAB_LOCK_WAIT_MS = 600_000;

import { downLab } from './lab-down.js';
import { buildSshArgv } from './lab-sshd.js';
import { type UpOptions, upLab } from './lab-up.js';
import { type ProcessResult, runProcess } from './run-process.js';
import { type LabHost, WEAVE_LAUNCHES, type WeaveLaunch } from './topology.js';

/** Whether this machine can build the lab, and why not. */
export interface LabSupport {
  supported: boolean;
  reason: string;
}

/**
 * Checks the lab's prerequisites: root, network namespaces (by creating and deleting one), sshd, jq. Tests use
 * it through `gateLabSuite`, so a skip is never a silent pass (and is a failure under NETOPS_REQUIRE_LAB; lab-gate.ts).
 */
export async function checkLabSupport(): Promise<LabSupport> {
  if (process.platform !== 'linux') return { supported: false, reason: `lab needs Linux, not ${process.platform}` };
  if (process.getuid?.() !== 0) return { supported: false, reason: 'lab needs root (network namespaces, veth, sshd)' };
  for (const tool of ['/usr/sbin/sshd', '/usr/bin/jq', '/usr/bin/ssh', '/usr/bin/arping']) {
    if (!existsSync(tool)) return { supported: false, reason: `lab needs ${tool} (bash scripts/install-deps.sh)` };
  }
  const probe = `nl-probe-${process.pid}`;
  const add = await runProcess(['ip', 'netns', 'add', probe]);
  if (add.code !== 0) return { supported: false, reason: `\`ip netns add\` failed: ${add.stderr.trim()}` };
  await runProcess(['ip', 'netns', 'del', probe]);
  return { supported: true, reason: '' };
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

/** The environment variable that picks the Weave launch form for every lab test file that does not ask for one. */
const LAB_WEAVE_LAUNCH_ENV = 'NETOPS_LAB_WEAVE_LAUNCH';

/**
 * The Weave launch form lab test files run under when they do not ask for one: `NETOPS_LAB_WEAVE_LAUNCH`
 * (`multi-tenant` or `default`), else `multi-tenant`, the lab's own default. Suites whose expectations depend on
 * the form read it here and assert that form's behaviour (under `default` the bot refuses tenant deploys with the
 * fix), so the whole suite set can run in both forms without editing files. An unknown value fails, rather than
 * quietly running the other form.
 */
export function labWeaveLaunch(): WeaveLaunch {
  const value = process.env[LAB_WEAVE_LAUNCH_ENV];
  if (value === undefined || value === '') return 'multi-tenant';
  if (!Object.hasOwn(WEAVE_LAUNCHES, value)) {
    throw new Error(`${LAB_WEAVE_LAUNCH_ENV}=${value}: must be one of ${Object.keys(WEAVE_LAUNCHES).join(', ')}`);
  }
  return value as WeaveLaunch;
}

/**
 * Brings the lab up for a test file (locked against other test processes); returns the teardown. The Weave launch
 * form is the file's own choice, else labWeaveLaunch().
 */
export async function bringUpLabForTests(opts: UpOptions = {}): Promise<() => Promise<void>> {
  try {
    await upLab({ ...opts, weaveLaunch: opts.weaveLaunch ?? labWeaveLaunch() });
  } catch (err) {
    await downLab();
    throw err;
  }
  return async () => {
    await downLab();
  };
}

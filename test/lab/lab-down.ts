import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { removeLabAccount } from './lab-account.js';
import { holdLabLock, releaseLabLock, shouldLockLab } from './lab-lock.js';
import { readLabState } from './lab-state.js';
import { runProcess } from './run-process.js';
import { LAB_DIR, NAME_PREFIX, STATE_DIR } from './topology.js';

async function listPrefixed(argv: string[]): Promise<string[]> {
  const r = await runProcess(argv);
  return r.stdout
    .split('\n')
    .map((l) => l.split(/[\s:@]+/).find((w) => w.startsWith(NAME_PREFIX)) ?? '')
    .filter((n) => n !== '');
}

/** Lab namespaces that exist now (`nl-*`). */
export function listLabNamespaces(): Promise<string[]> {
  return listPrefixed(['ip', 'netns', 'list']);
}

/** Root-namespace links named `nl-*`. */
export function listLabLinks(): Promise<string[]> {
  return listPrefixed(['ip', '-o', 'link', 'show']);
}

function killPid(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** True while the process exists and is not a zombie (killed processes linger until their parent reaps them). */
export function isProcessRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

async function waitForExit(pids: number[]): Promise<void> {
  for (let i = 0; i < 100 && pids.some(isProcessRunning); i++) await delay(20);
}

/** Pids from `<state>/*.pid` files (emulators record theirs there) whose process still runs lab code. */
function readLabPidFiles(): number[] {
  if (!existsSync(STATE_DIR)) return [];
  return readdirSync(STATE_DIR)
    .filter((f) => f.endsWith('.pid'))
    .map((f) => Number(readFileSync(join(STATE_DIR, f), 'utf8').trim()))
    .filter((pid) => Number.isInteger(pid) && pid > 1 && readCmdline(pid).includes(LAB_DIR));
}

function readCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/**
 * Removes everything the lab made: processes (recorded pids and every process inside an `nl-*` namespace),
 * namespaces, root links, the alias account and the state directory. Works from lab.json when present and by
 * name prefix otherwise, so it also cleans up after a crashed or partial run. It takes the lab
 * lock first (see lab-lock.ts) and releases it afterwards unless `keepLock` (used by `up`).
 */
export async function downLab(opts: { keepLock?: boolean } = {}): Promise<string[]> {
  if (shouldLockLab()) await holdLabLock();
  try {
    return await removeLab();
  } finally {
    if (!opts.keepLock) releaseLabLock();
  }
}

/**
 * Emulator processes of a lab from any checkout of this repository (`…/test/lab/nomad/main.ts`, `…/consul/…`).
 * Only one lab exists per machine and whoever calls this holds the lab lock, so any such process is a leftover of a
 * run that died without `down` (its pid files lived in another checkout's state dir). Left running, it keeps the
 * emulator's port, the new lab's emulator cannot bind it, and the new lab silently talks to the old one.
 */
export function findLeftoverEmulators(): number[] {
  const pattern = /\/test\/lab\/(nomad|consul)\/[\w-]*main\.ts(\s|$)/;
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => pid !== process.pid && pattern.test(readCmdline(pid)));
}

async function removeLab(): Promise<string[]> {
  const state = readLabState();
  const recorded = [...new Set([...(state?.pids ?? []), ...readLabPidFiles(), ...findLeftoverEmulators()])];
  for (const pid of recorded) killPid(pid);
  const namespaces = [...new Set([...(state?.namespaces ?? []), ...(await listLabNamespaces())])];
  // Containers first (their supervisors live in the host namespaces and would otherwise record exits).
  namespaces.sort((a, b) => Number(b.startsWith(`${NAME_PREFIX}c-`)) - Number(a.startsWith(`${NAME_PREFIX}c-`)));
  const killed = [...recorded];
  for (const ns of namespaces) {
    const pids = await runProcess(['ip', 'netns', 'pids', ns]);
    for (const pid of pids.stdout.split(/\s+/).filter(Boolean).map(Number)) {
      killPid(pid);
      killed.push(pid);
    }
  }
  await waitForExit(killed);
  for (const ns of namespaces) await runProcess(['ip', 'netns', 'del', ns]);
  for (const link of await listLabLinks()) await runProcess(['ip', 'link', 'del', link]);
  removeLabAccount();
  rmSync(STATE_DIR, { recursive: true, force: true, maxRetries: 5 });
  return namespaces;
}

import { spawn } from 'node:child_process';
import { mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (three levels above test/lab/nomad). */
export const REPO_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * Spawns a TypeScript entry point with tsx as a detached background process whose output goes to `logFile`,
 * records its pid in `pidFile`, and returns the pid. `prefix` runs it under another command
 * (e.g. `ip netns exec nl-u1`).
 */
export function spawnDetachedTs(opts: {
  entry: string;
  logFile: string;
  pidFile: string;
  env?: NodeJS.ProcessEnv;
  prefix?: string[];
  args?: string[];
}): number {
  mkdirSync(dirname(opts.logFile), { recursive: true });
  const out = openSync(opts.logFile, 'a');
  const argv = [...(opts.prefix ?? []), process.execPath, '--import', 'tsx', opts.entry, ...(opts.args ?? [])];
  const child = spawn(argv[0] as string, argv.slice(1), {
    cwd: REPO_DIR,
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...process.env, ...opts.env },
  });
  child.unref();
  if (child.pid === undefined) throw new Error(`could not spawn ${opts.entry}`);
  writeFileSync(opts.pidFile, `${child.pid}\n`);
  return child.pid;
}

/** Polls `url` until it answers with any HTTP status, or throws after `timeoutMs` with the log's tail. */
export async function waitForHttp(url: string, timeoutMs: number, logFile?: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }
  const tail = logFile ? readTail(logFile) : '';
  throw new Error(`${url} did not answer within ${timeoutMs} ms${tail ? `; log tail:\n${tail}` : ''}`);
}

/** Sends SIGTERM, waits up to `graceMs`, then SIGKILL. Missing processes are fine. */
async function stopPid(pid: number, graceMs = 3000): Promise<void> {
  if (!isAlive(pid)) return;
  signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && isAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 50));
  if (isAlive(pid)) signal(pid, 'SIGKILL');
}

/** Stops the process recorded in `pidFile` (leftover of an earlier run) and removes the file. */
export async function stopPidFile(pidFile: string): Promise<void> {
  let pid: number | undefined;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    return;
  }
  if (pid > 0) await stopPid(pid);
  rmSync(pidFile, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signal(pid: number, name: NodeJS.Signals) {
  try {
    process.kill(pid, name);
  } catch {
    // Exited in between.
  }
}

function readTail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '';
  }
}

/**
 * Stops leftovers of an earlier run whose pid file is gone (a crashed run, a removed state dir): every
 * process whose command line runs `entry`. Matching the absolute entry path keeps it to the lab's own
 * emulator processes.
 */
export async function stopProcessesRunning(entry: string): Promise<void> {
  const pids = readdirSync('/proc')
    .filter((name) => /^[0-9]+$/.test(name) && Number(name) !== process.pid)
    .filter((name) => {
      try {
        return readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').includes(entry);
      } catch {
        return false;
      }
    })
    .map(Number);
  await Promise.all(pids.map((pid) => stopPid(pid)));
}

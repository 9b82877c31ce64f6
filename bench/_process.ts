import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { SpawnedProcess } from '../test/helpers/spawn-bot.js';

// Processes a benchmark starts write their output straight to a file (the kernel appends it): no pipe is read in
// the load generator's process, so capturing a chatty log costs the process that measures nothing.

const ROOT = resolve(import.meta.dirname, '..');
const logDir = mkdtempSync(join(tmpdir(), 'netops-bench-logs-'));

/** Runs a TypeScript file (path from the repo root) through tsx with stdout and stderr to a log file. */
export function spawnLogged(file: string, env: Record<string, string>, name: string): SpawnedProcess {
  const logFile = join(logDir, `${name}.log`);
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(ROOT, file)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  return {
    child,
    output: () => readFileSync(logFile, 'utf8'),
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { spawnCaptured } from './spawn-captured.js';

export interface SpawnedProcess {
  child: ChildProcess;
  output(): string;
  /** Sends `signal`, then SIGKILL if the process is still there after `killAfterMs` (default 15 s). */
  stop(signal?: NodeJS.Signals, killAfterMs?: number): Promise<number | null>;
}

const ROOT = resolve(import.meta.dirname, '../..');

/** Starts an entry point of src/main as its own process (real Bolt app, real workers), like production. */
export function spawnEntry(entry: string, env: Record<string, string>, args: string[] = []): SpawnedProcess {
  // stdin stays an open pipe, as under a supervisor: the process never sees end-of-input.
  const proc = spawnCaptured([process.execPath, '--import', 'tsx', resolve(ROOT, 'src/main', entry), ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdinOpen: true,
  });
  const child = proc.child;
  return {
    child,
    output: proc.output,
    stop: async (signal = 'SIGTERM', killAfterMs = 15_000) => {
      // Already gone: exited (exitCode) or killed by a signal (exitCode stays null, signalCode is set), so no
      // 'exit' event will come again.
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/**
 * Waits until the process output matches, or fails with the output so far. The default is generous: a process
 * started through tsx compiles src/ on start, which takes several seconds when test files run in parallel on a
 * busy machine; this is a deadline for a hang, not a speed check (those live in `npm run bench`).
 */
export async function waitForOutput(proc: SpawnedProcess, pattern: RegExp, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (pattern.test(proc.output())) return;
    if (proc.child.exitCode !== null) throw new Error(`process exited (${proc.child.exitCode}):\n${proc.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${pattern}:\n${proc.output()}`);
}

import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { spawnCaptured } from './spawn-captured.js';

const ROOT = resolve(import.meta.dirname, '../..');

/** A process started the way a container starts its command: that argv, that environment, the image's workdir. */
export interface ContainerProcess {
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/**
 * The environment a container of our image starts with besides what compose or Nomad give it: the node image's
 * PATH and HOME (Dockerfile FROM node:…), nothing from the test process.
 */
export function imageEnv(): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin', HOME: process.env.HOME ?? '/root' };
}

/**
 * Runs `argv` in the repository (the image's WORKDIR /app holds the repository) with exactly `env`. The process
 * gets its own process group (npx starts node as a child) so stop() ends both.
 */
export function startContainerProcess(argv: string[], env: Record<string, string>): ContainerProcess {
  const proc = spawnCaptured(argv, { cwd: ROOT, env, processGroup: true });
  return {
    child: proc.child,
    output: proc.output,
    async stop() {
      const { child } = proc;
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      proc.signal('SIGTERM');
      const timer = setTimeout(() => proc.signal('SIGKILL'), 15_000);
      await proc.done;
      clearTimeout(timer);
    },
  };
}

import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

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
  const [command = '', ...args] = argv;
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      const pid = child.pid;
      const signal = (name: NodeJS.Signals) => {
        try {
          process.kill(-pid, name);
        } catch {
          // The group is already gone.
        }
      };
      signal('SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

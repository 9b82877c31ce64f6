import { type ChildProcess, spawn } from 'node:child_process';

/** How a captured process ended, with everything it wrote. */
export interface CapturedExit {
  /** Exit code; null when a signal ended it or it never started. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The timeout ended it; stderr ends with a line that says so. */
  timedOut: boolean;
  /** It could not be started (ENOENT, EACCES); code and signal are null then. */
  spawnError?: Error;
}

export interface SpawnCapturedOptions {
  cwd?: string;
  /** The whole environment of the process (callers merge process.env themselves). @defaultValue process.env */
  env?: NodeJS.ProcessEnv;
  /** Written to stdin, which is then closed. Without it stdin is ignored, or an open pipe with `stdinOpen`. */
  input?: string;
  /** Keep stdin an open pipe nobody writes to (a long-running process that must not see end-of-input). */
  stdinOpen?: boolean;
  /**
   * The process leads a process group of its own (`detached`), so {@link CapturedProcess.signal} and the timeout
   * reach what it started too (npx starts node, `ip netns exec` starts the command).
   */
  processGroup?: boolean;
  /** Sends SIGKILL (to the group when there is one) after this long and marks the result `timedOut`. */
  timeoutMs?: number;
}

/** A started process whose output is being collected. */
export interface CapturedProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Both streams interleaved in the order they arrived (what a log reader sees). */
  output(): string;
  /** Sends a signal to the process, or to its whole group when it leads one; nothing when they are gone. */
  signal(name: NodeJS.Signals): void;
  /** Settles once the process has exited and both streams are closed (never rejects). */
  done: Promise<CapturedExit>;
}

/**
 * The one spawn-and-capture primitive of the tests: runs argv without a shell, collects stdout and stderr, and
 * resolves {@link CapturedProcess.done} with the exit. Entry points over it: `runCaptured` below (a command run to
 * its exit), test/helpers/spawn-bot.ts (a bot process stopped later), test/helpers/container-process.ts (a
 * container's command), test/helpers/run-cli.ts (the one-shot CLI), test/lab/run-process.ts (lab commands).
 */
export function spawnCaptured(argv: readonly string[], opts: SpawnCapturedOptions = {}): CapturedProcess {
  const [file, ...args] = argv;
  if (file === undefined) throw new Error('spawnCaptured: empty argv');
  const piped = opts.input !== undefined || opts.stdinOpen === true;
  const child = spawn(file, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: [piped ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    detached: opts.processGroup === true,
  });
  let stdout = '';
  let stderr = '';
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    output += d;
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    output += d;
  });
  const signal = (name: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      // The group may outlive its leader (npx gone, node still running): it is signalled while any of it is left.
      if (opts.processGroup) process.kill(-child.pid, name);
      else if (child.exitCode === null && child.signalCode === null) child.kill(name);
    } catch {
      // Already gone (ESRCH).
    }
  };
  let timedOut = false;
  const timer =
    opts.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          signal('SIGKILL');
        }, opts.timeoutMs);
  let spawnError: Error | undefined;
  child.once('error', (err) => {
    spawnError = err;
  });
  const done = new Promise<CapturedExit>((resolve) => {
    child.once('close', (code, sig) => {
      clearTimeout(timer);
      const note = timedOut ? `\ntimed out after ${opts.timeoutMs} ms` : '';
      resolve(
        spawnError
          ? { code: null, signal: null, stdout, stderr: stderr + note, timedOut, spawnError }
          : { code, signal: sig, stdout, stderr: stderr + note, timedOut },
      );
    });
  });
  if (child.stdin) {
    // A process that exits without reading its input closes the pipe under us: not an error of the test.
    child.stdin.on('error', () => {});
    if (opts.input !== undefined) child.stdin.end(opts.input);
  }
  return { child, stdout: () => stdout, stderr: () => stderr, output: () => output, signal, done };
}

/** Runs argv to its exit in a process group of its own (a timeout ends everything it started). */
export function runCaptured(
  argv: readonly string[],
  opts: Omit<SpawnCapturedOptions, 'processGroup' | 'stdinOpen'> = {},
): Promise<CapturedExit> {
  return spawnCaptured(argv, { ...opts, processGroup: true }).done;
}

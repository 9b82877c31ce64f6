import { runCaptured } from '../helpers/spawn-captured.js';

/** Outcome of a finished process; a non-zero exit is a value, not a throw. */
export interface ProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunProcessOptions {
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  input?: string;
}

/**
 * Runs argv without a shell and collects its output (test/helpers/spawn-captured.ts), as one exit code the way a
 * shell reports it: 124 after the timeout (as coreutils `timeout`), 127 when it cannot be started, 128 for a
 * signal.
 */
export async function runProcess(argv: readonly string[], opts: RunProcessOptions = {}): Promise<ProcessResult> {
  if (argv[0] === undefined) throw new Error('runProcess: empty argv');
  const r = await runCaptured(argv, { ...opts, input: opts.input ?? '' });
  if (r.spawnError) return { code: 127, stdout: '', stderr: String(r.spawnError) };
  return { code: r.timedOut ? 124 : (r.code ?? (r.signal ? 128 : 1)), stdout: r.stdout, stderr: r.stderr };
}

/** Runs argv and throws with its stderr when it exits non-zero; returns stdout. */
export async function runChecked(argv: readonly string[], opts: RunProcessOptions = {}): Promise<string> {
  const r = await runProcess(argv, opts);
  if (r.code !== 0) throw new Error(`${argv.join(' ')} exited ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}

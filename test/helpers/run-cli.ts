import { resolve } from 'node:path';
import { runCaptured } from './spawn-captured.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Parsed stdout when it is JSON (`--json`). */
  json: Record<string, unknown> | undefined;
}

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * Runs the one-shot CLI (`npm run netops -- …`) as its own process, as a user would (test/helpers/spawn-captured.ts).
 * A CLI that outlives `timeoutMs` is killed and the call rejects: a hang is a test failure, not a result.
 */
export async function runCli(
  args: string[],
  opts: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<CliResult> {
  const { code, stdout, stderr, timedOut, spawnError } = await runCaptured(
    [process.execPath, '--import', 'tsx', resolve(ROOT, 'src/main/cli.ts'), ...args],
    {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'error', ...opts.env },
      timeoutMs: opts.timeoutMs ?? 180_000,
    },
  );
  if (spawnError) throw spawnError;
  if (timedOut) throw new Error(`CLI timed out: ${args.join(' ')}\n${stderr.slice(-2000)}`);
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(stdout) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { code, stdout, stderr, json };
}

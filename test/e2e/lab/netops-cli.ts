import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import type { Report } from '../../../src/report/model.js';
import { CONFIG_PATH } from '../../lab/topology.js';

/** The real CLI as a user runs it, shared by the /cni-bench lab tests. */

const ROOT = resolve(import.meta.dirname, '../../..');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run netops -- "<text>" --json --config <file>` (the lab's generated config unless told otherwise). */
export function runCli(text: string, env: Record<string, string>, configPath = CONFIG_PATH): Promise<CliResult> {
  return new Promise((res) => {
    const child = spawn('npx', ['tsx', 'src/main/cli.ts', text, '--json', '--config', configPath], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('exit', (code) => res({ code, stdout, stderr }));
  });
}

/** `--json` prints the Report itself (or `{ command, ok: false, state, error }` when the job left none). */
export function reportOf(r: CliResult): Report & Record<string, unknown> {
  const out = JSON.parse(r.stdout) as Report & Record<string, unknown>;
  if (!Array.isArray(out.blocks))
    throw new Error(`no report in CLI output: ${r.stdout.slice(0, 500)} ${r.stderr.slice(0, 500)}`);
  return out;
}

/**
 * A copy of the lab's generated config (in `dir`) with a `bench` section added, e.g. small payloads so a test of
 * every transfer stays quick. The lab rewrites its own file on every `up`, so tests never edit it in place.
 */
export function writeLabConfigWithBench(dir: string, bench: Record<string, unknown>): string {
  const config = parse(readFileSync(CONFIG_PATH, 'utf8')) as Record<string, unknown>;
  const path = join(dir, 'netops.lab.bench.yaml');
  writeFileSync(path, stringify({ ...config, bench }));
  return path;
}

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { Report } from '../../../src/report/model.js';
import { type CliResult, runCli as runCliProcess } from '../../helpers/run-cli.js';
import { CONFIG_PATH } from '../../lab/topology.js';

/**
 * The real CLI as a user runs it, shared by the /cni-bench lab tests:
 * `npm run netops -- "<text>" --json --config <file>` (the lab's generated config unless told otherwise), through
 * the shared CLI runner; a bench run over every pair can take minutes, hence the long limit.
 */
export function runCli(text: string, env: Record<string, string>, configPath = CONFIG_PATH): Promise<CliResult> {
  return runCliProcess([text, '--json', '--config', configPath], { env, timeoutMs: 900_000 });
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

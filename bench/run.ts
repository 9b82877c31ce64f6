import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { currentLoad, defaultMaxLoad, describeMachineState, gate } from './_load-gate.js';
import { writeReadmeTable } from './_readme-table.js';

// `npm run bench [-- names…] [--allow-load] [--max-load N]`: runs every bench/*.ts that exports `run()`, one
// after another in this one process, checks the load average before each (refusing a busy machine unless
// --allow-load), writes bench/results/<name>.json with the machine state beside the figures, then regenerates
// the table in bench/README.md from every result file.

const benchDir = new URL('.', import.meta.url);
const resultsDir = new URL('./results/', import.meta.url);

/** What a benchmark module may export. */
interface BenchModule {
  run?: () => Promise<Record<string, unknown>>;
}

export interface RunOptions {
  only: string[];
  allowLoad: boolean;
  maxLoad1: number;
}

export function parseArgs(argv: string[]): RunOptions {
  const opts: RunOptions = { only: [], allowLoad: false, maxLoad1: defaultMaxLoad() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--allow-load') opts.allowLoad = true;
    else if (a === '--max-load') opts.maxLoad1 = Number(argv[++i]);
    else opts.only.push(a);
  }
  if (!Number.isFinite(opts.maxLoad1) || opts.maxLoad1 <= 0) throw new Error('--max-load needs a positive number');
  return opts;
}

/** Benchmark names (file names without .ts) in the order they run. */
export function benchNames(only: string[] = []): string[] {
  return readdirSync(benchDir)
    .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
    .map((f) => basename(f, '.ts'))
    .filter((n) => only.length === 0 || only.includes(n))
    .sort();
}

/** Runs the benchmarks one after another; stops at the first one the load gate refuses. */
export async function runAll(opts: RunOptions): Promise<Record<string, Record<string, unknown>>> {
  mkdirSync(resultsDir, { recursive: true });
  const invocation = new Date().toISOString();
  const results: Record<string, Record<string, unknown>> = {};
  for (const name of benchNames(opts.only)) {
    const mod = (await import(pathToFileURL(new URL(`${name}.ts`, benchDir).pathname).href)) as BenchModule;
    if (typeof mod.run !== 'function') continue;
    const loadBefore = currentLoad();
    const decision = gate(loadBefore[0], opts.maxLoad1, opts.allowLoad);
    if (!decision.run) throw new Error(`not running ${name}: ${decision.reason}`);
    console.error(`running ${name} … (load ${loadBefore.join(' ')})`);
    const started = Date.now();
    const result = await mod.run();
    if (typeof result.summary !== 'object' || result.summary === null) {
      throw new Error(`${name} returned no summary (every benchmark reports its figures with their rounds)`);
    }
    const machineState = describeMachineState({
      invocation,
      startedMs: started,
      loadBefore,
      maxLoad1: opts.maxLoad1,
      allowLoad: opts.allowLoad,
    });
    results[name] = { ...result, machineState };
    writeFileSync(new URL(`${name}.json`, resultsDir), `${JSON.stringify(results[name], null, 2)}\n`);
  }
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const opts = parseArgs(process.argv.slice(2));
  let failed: unknown;
  try {
    await runAll(opts);
  } catch (err) {
    failed = err;
    console.error(err);
  }
  // The table always follows the result files, including after a refusal or a failed benchmark.
  writeReadmeTable();
  if (failed !== undefined) process.exitCode = 1;
}

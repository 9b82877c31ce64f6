import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';

// Runs every bench/*.ts that exports `run()`, prints one row per benchmark, and writes each result to
// bench/results/<file>.json. A benchmark's `run()` returns a flat-ish JSON object (its summary).

const benchDir = new URL('.', import.meta.url);
const resultsDir = new URL('./results/', import.meta.url);

/** What a benchmark module may export. */
interface BenchModule {
  run?: () => Promise<Record<string, unknown>>;
}

/** Runs the benchmarks whose file names (without .ts) are in `only`, or all of them. */
export async function runAll(only: string[] = []): Promise<Record<string, Record<string, unknown>>> {
  const files = readdirSync(benchDir)
    .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
    .filter((f) => only.length === 0 || only.includes(basename(f, '.ts')))
    .sort();
  mkdirSync(resultsDir, { recursive: true });
  const results: Record<string, Record<string, unknown>> = {};
  for (const file of files) {
    const mod = (await import(pathToFileURL(new URL(file, benchDir).pathname).href)) as BenchModule;
    if (typeof mod.run !== 'function') continue;
    const name = basename(file, '.ts');
    console.error(`running ${name} …`);
    const result = await mod.run();
    results[name] = result;
    writeFileSync(new URL(`${name}.json`, resultsDir), `${JSON.stringify(result, null, 2)}\n`);
  }
  return results;
}

function toRow(result: Record<string, unknown>): Record<string, string | number | boolean> {
  const row: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(result)) {
    if (k === 'name' || k === 'date') continue;
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') row[k] = v;
  }
  return row;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await runAll(process.argv.slice(2));
  const table: Record<string, Record<string, string | number | boolean>> = {};
  for (const [name, r] of Object.entries(results)) table[name] = toRow(r);
  console.table(table);
}

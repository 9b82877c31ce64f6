import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { currentLoad, defaultMaxLoad, describeMachineState, gate } from './_load-gate.js';
import { writeReadmeTable } from './_readme-table.js';
import { type Figure, figure } from './_stats.js';

// Issue 15 item 7: the wall time of `npm test` before and after vitest was split into a parallel unit project
// and a serial lab project, on the same machine, with the same tests. Not part of `npm run bench` (a whole
// test suite per round, ~tens of minutes): run it alone, as root with the lab available, on a quiet machine:
//
//   npm run bench:test-suite                               # both modes, 1 round each, alternating
//   npx tsx bench/_test-suite-time.ts --rounds 2 --allow-load
//   TEST_SUITE_TIME_OUT=/tmp/t.json npx tsx bench/_test-suite-time.ts --allow-load -- test/unit/errors.test.ts
//
// `serial` is the config before the split (git show 445ec89^:vitest.config.ts: one pool, fileParallelism
// false): the same projects with `--no-file-parallelism`, every file one after another. `split` is `npm test`
// as it is. Both run every step of `npm test` (lint, typecheck, cycles, vitest). Writes
// bench/results/test-suite-time.json and regenerates bench/README.md's table.

/** TEST_SUITE_TIME_OUT writes elsewhere and leaves bench/README.md alone (smoke runs of the tool itself). */
const OUT = process.env.TEST_SUITE_TIME_OUT;
const RESULT_FILE = OUT ? pathToFileURL(OUT) : new URL('./results/test-suite-time.json', import.meta.url);
/** Target of issue 15: the split suite in at most 60 % of the serial one's wall time. */
const TARGET_RATIO = 0.6;
const STEPS = ['lint', 'typecheck', 'cycles'] as const;

type Mode = 'serial' | 'split';

interface SuiteRun {
  mode: Mode;
  wallS: number;
  /** Vitest's own part of the wall time. */
  vitestS: number;
  exitCode: number;
  /** Steps that exited non-zero (lint, typecheck, cycles, vitest): the run's time is then not a green suite's. */
  failedSteps: string[];
  files: number;
  tests: number;
  passed: number;
  failed: number;
  skipped: number;
}

function spawnTimed(cmd: string, args: string[]): Promise<{ code: number; seconds: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, seconds: (performance.now() - t0) / 1000 }));
  });
}

interface VitestJson {
  numTotalTests: number;
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests?: number;
  testResults: unknown[];
}

async function runSuite(mode: Mode, files: string[]): Promise<SuiteRun> {
  const dir = mkdtempSync(join(tmpdir(), 'netops-suite-time-'));
  const report = join(dir, 'vitest.json');
  const t0 = performance.now();
  let exitCode = 0;
  const failedSteps: string[] = [];
  try {
    for (const step of STEPS) {
      const r = await spawnTimed('npm', ['run', '--silent', step]);
      if (r.code !== 0) {
        exitCode = r.code;
        failedSteps.push(step);
      }
    }
    const extra = mode === 'serial' ? ['--no-file-parallelism'] : [];
    const args = [
      'vitest',
      'run',
      ...extra,
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
      ...files,
    ];
    const v = await spawnTimed('npx', args);
    if (v.code !== 0) {
      exitCode = v.code;
      failedSteps.push('vitest');
    }
    const json = JSON.parse(readFileSync(report, 'utf8')) as VitestJson;
    return {
      mode,
      wallS: round1((performance.now() - t0) / 1000),
      vitestS: round1(v.seconds),
      exitCode,
      failedSteps,
      files: json.testResults.length,
      tests: json.numTotalTests,
      passed: json.numPassedTests,
      failed: json.numFailedTests,
      skipped: json.numPendingTests + (json.numTodoTests ?? 0),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const round1 = (x: number) => Math.round(x * 10) / 10;

function parseArgs(argv: string[]) {
  const opts = { rounds: 1, allowLoad: false, maxLoad1: defaultMaxLoad(), files: [] as string[] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--') opts.files = argv.splice(i + 1);
    else if (argv[i] === '--allow-load') opts.allowLoad = true;
    else if (argv[i] === '--rounds') opts.rounds = Number(argv[++i]);
    else if (argv[i] === '--max-load') opts.maxLoad1 = Number(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (!Number.isInteger(opts.rounds) || opts.rounds < 1) throw new Error('--rounds needs a positive integer');
  return opts;
}

/** Runs the two modes alternately (serial first in odd rounds) and writes the result file. */
async function main(argv: string[]): Promise<void> {
  const opts = parseArgs(argv);
  const loadBefore = currentLoad();
  const decision = gate(loadBefore[0], opts.maxLoad1, opts.allowLoad);
  if (!decision.run) throw new Error(decision.reason);
  const startedAt = new Date().toISOString();
  const runs: SuiteRun[] = [];
  for (let round = 0; round < opts.rounds; round++) {
    const order: Mode[] = round % 2 === 0 ? ['serial', 'split'] : ['split', 'serial'];
    for (const mode of order) {
      console.error(`round ${round + 1}: ${mode} …`);
      runs.push(await runSuite(mode, opts.files));
    }
  }
  const wall = (mode: Mode) => runs.filter((r) => r.mode === mode).map((r) => r.wallS);
  const ratios = wall('split').map((s, i) => s / wall('serial')[i]!);
  const summary: Record<string, Figure> = {
    serialWallS: figure(wall('serial'), { unit: 's', better: 'lower' }),
    splitWallS: figure(wall('split'), { unit: 's', better: 'lower' }),
    splitOverSerial: figure(ratios, { unit: '×', better: 'lower', target: TARGET_RATIO }),
  };
  const sameTests = new Set(runs.map((r) => `${r.files}/${r.tests}`)).size === 1;
  const result = {
    name: 'test-suite-time',
    date: startedAt,
    /** Vitest file filters given after `--` (a smoke run of the tool); empty for the real figure. */
    filters: opts.files,
    method:
      'every step of `npm test` (lint, typecheck, cycles, vitest run); serial = vitest --no-file-parallelism (the config before the split), split = as configured; modes alternate per round',
    runs,
    sameTests,
    allGreen: runs.every((r) => r.exitCode === 0 && r.failed === 0),
    summary,
    machineState: describeMachineState({
      invocation: startedAt,
      startedMs: Date.parse(startedAt),
      loadBefore,
      maxLoad1: opts.maxLoad1,
      allowLoad: opts.allowLoad,
      seconds: round1(runs.reduce((n, r) => n + r.wallS, 0)),
    }),
  };
  writeFileSync(RESULT_FILE, `${JSON.stringify(result, null, 2)}\n`);
  if (!OUT) writeReadmeTable();
  console.log(JSON.stringify({ summary, sameTests, allGreen: result.allGreen }, null, 2));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}

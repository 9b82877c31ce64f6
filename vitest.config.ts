import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { findLabSuites } from './test/lab/lab-suites.js';

// Two projects in one `vitest run`:
// - `lab`: suites whose imports reach the lab (test/lab/lab-suites.ts finds them). The lab has fixed namespace
//   names, addresses, ports and one lock, so these run one file after another in a single worker thread
//   (`singleThread`; modules are still re-evaluated per file). They wait mostly on processes and the network.
// - `unit`: everything else (unit, integration with its own redis-server on a free port, Slack stand-ins on
//   free ports, property tests). Files run in parallel in forked workers.
// The two projects use different pools (threads vs forks), so vitest runs them at the same time: the lab's
// waits overlap the CPU-bound unit files. NETOPS_TEST_WORKERS sets the parallel workers (default: one per core,
// at least 2). More than the cores starves the bot processes the e2e files start (tsx compiles on start), which
// then miss their start-up deadlines on a busy machine.
const labSuites = findLabSuites(import.meta.dirname);
const envWorkers = Number(process.env.NETOPS_TEST_WORKERS);
const workers = Number.isInteger(envWorkers) && envWorkers > 0 ? envWorkers : Math.max(2, availableParallelism());

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    maxWorkers: workers,
    minWorkers: 1,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['**/node_modules/**', ...labSuites],
          pool: 'forks',
        },
      },
      {
        extends: true,
        test: {
          name: 'lab',
          include: labSuites.length > 0 ? labSuites : ['test/lab/__none__.test.ts'],
          pool: 'threads',
          poolOptions: { threads: { singleThread: true, isolate: true } },
        },
      },
    ],
  },
});

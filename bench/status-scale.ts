import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { createConsulClient } from '../src/clients/consul/client.js';
import { createNomadClient } from '../src/clients/nomad/client.js';
import { createSilentLogger } from '../src/logging.js';
import type { ClusterContext } from '../src/net/cluster.js';
import { createStatusProcessor } from '../src/workers/processors/status.js';
import { figure } from './_stats.js';

/**
 * `/status` against a fake Nomad of 10,000, 20,000 and 40,000 jobs (issue 17 item 7: 17 s at 20,000 and 59 s at
 * 40,000 jobs before, quadratic). Each size runs `ROUNDS` times; the result keeps every round, the median and
 * the spread, and the longest event-loop stall seen during the runs (the worker shares the loop with the
 * receiver when NETOPS_ROLE=all). The fake (bench/_status-scale-upstream.ts, its own process) answers JobListStubs shaped like Nomad's (nomad/structs/structs.go
 * JobListStub, with a JobSummary), about 1 KB each, and one node per 100 jobs, each a configured host.
 */

const SIZES = [10_000, 20_000, 40_000];
const ROUNDS = 5;
/** Interactive: the 40,000-job /status answers within this. */
const TARGET_MS = 5_000;

/**
 * The fake Nomad and Consul run in their own process, so the event-loop stall measured here is the bot's own
 * (building 26 MB of JSON and serving it would otherwise count against it).
 */
async function fakeUpstream(jobs: number, nodes: number, tenants: string[]) {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(import.meta.dirname, '_status-scale-upstream.ts'),
      String(jobs),
      String(nodes),
      tenants.join(','),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
    });
    child.once('exit', (code) => reject(new Error(`fake upstream exited ${code}`)));
  });
  const { url, bytes } = JSON.parse(line) as { url: string; bytes: number };
  return {
    url,
    bytes,
    close: async () => {
      child.removeAllListeners('exit');
      child.kill();
    },
  };
}

async function runSize(jobs: number) {
  const tenants = ['default', 'tenant-b', 'tenant-c', 'tenant-d'];
  const nodes = Math.max(1, Math.floor(jobs / 100));
  const up = await fakeUpstream(jobs, nodes, tenants);
  const logger = createSilentLogger();
  const hosts = Array.from({ length: nodes }, (_, i) => ({
    name: `h${i}`,
    address: `10.1.${Math.floor(i / 250)}.${(i % 250) + 1}`,
  }));
  // SSH is not what this measures: every weave probe fails at once, as an unreachable host would.
  const ssh = { run: async () => ({ code: 1, stdout: '', stderr: 'bench: no ssh' }) };
  const cluster = {
    nomad: createNomadClient({ address: up.url, timeoutMs: 60_000, logger }),
    consul: createConsulClient({ address: up.url, datacenter: 'dc1', timeoutMs: 60_000, logger }),
    hosts,
    ssh,
  } as unknown as ClusterContext;
  const processor = createStatusProcessor({
    cluster,
    config: {
      tenants: tenants.map((name, i) => ({ name, subnet: `10.32.${i}.0/24`, network: 'weave' })),
      networks: [],
    },
  });
  const ctx = {
    jobId: 'bench',
    command: { name: 'status', args: {}, text: '/status' },
    requester: { userId: 'bench' },
    signal: new AbortController().signal,
    logger,
    progress: async () => {},
    setQueuePosition: async () => {},
  } as unknown as Parameters<typeof processor>[0];
  const rounds: number[] = [];
  const stall = monitorEventLoopDelay({ resolution: 10 });
  stall.enable();
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    const report = await processor(ctx);
    rounds.push(Math.round(performance.now() - t0));
    if (report.command !== 'status') throw new Error('no status report');
  }
  stall.disable();
  await up.close();
  const sorted = [...rounds].sort((a, b) => a - b);
  return {
    jobs,
    nodes,
    jobsBodyMB: Math.round(up.bytes / 1e5) / 10,
    roundsMs: rounds,
    medianMs: sorted[Math.floor(sorted.length / 2)]!,
    minMs: sorted[0]!,
    maxMs: sorted.at(-1)!,
    spreadMs: sorted.at(-1)! - sorted[0]!,
    maxEventLoopStallMs: Math.round(stall.max / 1e6),
  };
}

export async function run(): Promise<Record<string, unknown>> {
  // The load of the shared machine before the runs: the timings mean little when it is far above the core count.
  const loadBefore = Math.round(loadavg()[0]! * 100) / 100;
  const sizes: Awaited<ReturnType<typeof runSize>>[] = [];
  for (const n of SIZES) sizes.push(await runSize(n));
  const largest = sizes.at(-1)!;
  // Linear: doubling the jobs should at most about double the time (2.6× allows for noise on shared cores).
  const growth = sizes.slice(1).map((s, i) => Math.round((s.medianMs / Math.max(1, sizes[i]!.medianMs)) * 100) / 100);
  return {
    name: 'status-scale',
    date: new Date().toISOString(),
    rounds: ROUNDS,
    sizes,
    jobs40kMedianMs: largest.medianMs,
    jobs40kSpreadMs: largest.spreadMs,
    growthPerDoubling: growth,
    target: TARGET_MS,
    pass: largest.medianMs <= TARGET_MS && growth.every((g) => g <= 2.6),
    summary: Object.fromEntries(
      sizes.flatMap((s) => [
        [
          `/status, ${s.jobs.toLocaleString('en')} jobs`,
          figure(s.roundsMs, { unit: 'ms', better: 'lower', ...(s === largest ? { target: TARGET_MS } : {}) }),
        ],
        [
          `longest event-loop stall, ${s.jobs.toLocaleString('en')} jobs`,
          figure([s.maxEventLoopStallMs], { unit: 'ms', better: 'lower' }),
        ],
      ]),
    ),
    machine: {
      node: process.version,
      cpus: cpus().length,
      loadavg1Before: loadBefore,
      loadavg1: Math.round(loadavg()[0]! * 100) / 100,
    },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await run();
  console.log(JSON.stringify(result, null, 2));
}

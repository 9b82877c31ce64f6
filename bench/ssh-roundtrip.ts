import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { connectSsh, connectSshWithDefaults } from '../src/clients/ssh/connect.js';
import { createSshPool } from '../src/clients/ssh/connection-pool.js';
import { joinShellLine } from '../src/clients/ssh/quote.js';
import type { SshConnectFn, SshPool } from '../src/clients/ssh/types.js';
import { createSilentLogger } from '../src/logging.js';
import { startSshTestServer } from '../test/helpers/ssh-test-server.js';
import { type Figure, figure } from './_stats.js';

/** Sequential commands per variant. */
const N = 100;
const BLOCK = 10;
const WARMUP = 5;
const TARGET_MS = 5;
const RESULT_FILE = new URL('./results/ssh-roundtrip.json', import.meta.url);

/** Summary written to bench/results/ssh-roundtrip.json. */
export interface SshRoundtripResult {
  name: 'ssh-roundtrip';
  date: string;
  n: number;
  defaultsMedianMs: number;
  fixedMedianMs: number;
  defaultsP95Ms: number;
  fixedP95Ms: number;
  defaultsMeanMs: number;
  fixedMeanMs: number;
  /** defaults median / fixed median. */
  ratio: number;
  /** Median of spawning `bash -c true` locally: the share of a round trip that is process start, not SSH. */
  localSpawnMedianMs: number;
  target: number;
  pass: boolean;
  /** Every round trip (one sample per command), median and spread. */
  summary: Record<string, Figure>;
  machine: { node: string; cpus: number; loadavg1: number };
}

// `true` is not an allowlisted template: the bench drives the transport directly, like the pool tests.
const TRUE_CMD = { template: 'bench.true', argv: ['true'], line: joinShellLine(['true']) };

/**
 * Measures N sequential `true` commands on one pooled connection against a real local sshd, with ssh2's
 * own socket (Nagle on) and with the pool's default connect (TCP_NODELAY). The two variants alternate in
 * blocks of 10 so machine load hits both alike.
 */
export async function run(): Promise<SshRoundtripResult> {
  const server = await startSshTestServer();
  const makePool = (connect: SshConnectFn) =>
    createSshPool({
      hosts: [
        {
          name: 'bench',
          address: server.host,
          port: server.port,
          user: server.user,
          privateKey: server.clientKey,
          hostKey: server.hostKeyLine,
        },
      ],
      connectTimeoutMs: 10_000,
      commandTimeoutMs: 10_000,
      outputCapBytes: 65_536,
      concurrencyPerHost: 1,
      logger: createSilentLogger(),
      connect,
    });
  const defaults = makePool(connectSshWithDefaults);
  const fixed = makePool(connectSsh);
  const times = { defaults: [] as number[], fixed: [] as number[] };
  try {
    for (const pool of [defaults, fixed]) for (let i = 0; i < WARMUP; i++) await runOnce(pool);
    for (let done = 0; done < N; done += BLOCK) {
      for (let i = 0; i < BLOCK; i++) times.defaults.push(await runOnce(defaults));
      for (let i = 0; i < BLOCK; i++) times.fixed.push(await runOnce(fixed));
    }
  } finally {
    await defaults.close();
    await fixed.close();
    await server.stop();
  }
  const spawns: number[] = [];
  for (let i = 0; i < N / 2; i++) spawns.push(timeLocalSpawn());
  const d = summarize(times.defaults);
  const f = summarize(times.fixed);
  return {
    name: 'ssh-roundtrip',
    date: new Date().toISOString(),
    n: N,
    defaultsMedianMs: d.median,
    fixedMedianMs: f.median,
    defaultsP95Ms: d.p95,
    fixedP95Ms: f.p95,
    defaultsMeanMs: d.mean,
    fixedMeanMs: f.mean,
    ratio: round(d.median / f.median),
    localSpawnMedianMs: summarize(spawns).median,
    target: TARGET_MS,
    pass: f.median <= TARGET_MS,
    summary: {
      'ssh `true`, pool (TCP_NODELAY)': figure(times.fixed, { unit: 'ms', better: 'lower', target: TARGET_MS }),
      'ssh `true`, ssh2 defaults (Nagle)': figure(times.defaults, { unit: 'ms', better: 'lower' }),
      'local `bash -c true` spawn': figure(spawns, { unit: 'ms', better: 'lower' }),
    },
    machine: { node: process.version, cpus: cpus().length, loadavg1: round(loadavg()[0] ?? 0) },
  };
}

async function runOnce(pool: SshPool): Promise<number> {
  const t = performance.now();
  const res = await pool.run('bench', TRUE_CMD);
  if (res.code !== 0) throw new Error(`true exited ${res.code}: ${res.stderr}`);
  return performance.now() - t;
}

// sshd runs the command through the user's shell (bash here), so this is the floor of any round trip.
function timeLocalSpawn(): number {
  const t = performance.now();
  spawnSync('bash', ['-c', "'true'"], { env: { PATH: '/usr/bin:/bin', HOME: '/nonexistent' } });
  return performance.now() - t;
}

function summarize(ms: number[]): { median: number; p95: number; mean: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { median: round(at(0.5)), p95: round(at(0.95)), mean: round(s.reduce((a, b) => a + b, 0) / s.length) };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

/** Prints the comparison table. */
export function printTable(r: SshRoundtripResult): void {
  console.log(`ssh round trip, ${r.n} sequential \`true\` per variant (target median <= ${r.target} ms)`);
  console.table({
    'ssh2 defaults (Nagle on)': { medianMs: r.defaultsMedianMs, p95Ms: r.defaultsP95Ms, meanMs: r.defaultsMeanMs },
    'pool default (TCP_NODELAY)': { medianMs: r.fixedMedianMs, p95Ms: r.fixedP95Ms, meanMs: r.fixedMeanMs },
  });
  console.log(`local \`bash -c true\` spawn median ${r.localSpawnMedianMs} ms (process start, no SSH)`);
  console.log(
    `ratio ${r.ratio}x, ${r.pass ? 'PASS' : 'FAIL'} (load average ${r.machine.loadavg1} on ${r.machine.cpus} cpus)`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await run();
  printTable(result);
  writeFileSync(RESULT_FILE, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${RESULT_FILE.pathname}`);
}

import { pathToFileURL } from 'node:url';
import { runCli } from '../test/helpers/run-cli.js';
import { getLabStatus } from '../test/lab/lab-status.js';
import { bringUpLabForTests } from '../test/lab/lab-support.js';
import { CONFIG_PATH } from '../test/lab/topology.js';
import { type Figure, figure, median } from './_stats.js';

// Issue 15 item 6: for `/deploy` on the lab, how much time the bot adds to Nomad's own deployment. Each round
// stops the job first, so every deploy registers a new version and Nomad runs a whole deployment. Nomad's own
// time is read from Nomad, not from the bot: from the job's SubmitTime (set when the register reached the
// leader) to the last allocation's DeploymentStatus.Timestamp (when the deployment watcher marked it healthy):
// nomad/structs/structs.go Job.SubmitTime and AllocDeploymentStatus.Timestamp. The bot's time is the sum of its
// phases (the report's `phases`: from the worker taking the job to the reply), so the CLI's own start-up is
// not counted against it.

const ROUNDS = Number(process.env.DEPLOY_BENCH_ROUNDS) || 5;
const JOB = 'httpbackend';
const TENANT = 'tenant-b';
const JOB_ID = `${JOB}-${TENANT}`;
/** The template's service check interval (jobs/httpbackend.nomad.hcl: `interval = "5s"`), which the target allows. */
const CHECK_INTERVAL_MS = 5_000;
/** Issue 15: bot overhead beyond Nomad's own deployment time ≤ 1 s plus Consul's check interval. */
const TARGET_OVERHEAD_MS = 1_000 + CHECK_INTERVAL_MS;
const PHASES = ['plan', 'register', 'nomad', 'consul-register', 'consul-checks', 'dns'] as const;

interface Round {
  botMs: number;
  nomadOwnMs: number;
  overheadMs: number;
  phases: Record<string, number>;
}

/** Summary written to bench/results/deploy-overhead.json. */
export interface DeployOverheadResult {
  name: 'deploy-overhead';
  date: string;
  rounds: Round[];
  checkIntervalMs: number;
  targetOverheadMs: number;
  summary: Record<string, Figure>;
  pass: boolean;
}

async function getJson<T>(nomad: string, path: string): Promise<T> {
  const res = await fetch(`${nomad}${path}`);
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Nomad's own deployment time: SubmitTime of the job to the last allocation marked healthy. */
async function nomadOwnMs(deploymentId: string): Promise<number> {
  // The lab's own record of where its Nomad listens, as the lab tests read it.
  const nomad = (await getLabStatus()).nomadAddress;
  if (!nomad) throw new Error('the lab records no Nomad address: is it up?');
  const jobs = await getJson<Array<{ ID: string; Namespace?: string; SubmitTime: number }>>(
    nomad,
    `/v1/jobs?namespace=*&prefix=${JOB_ID}`,
  );
  const job = jobs.find((j) => j.ID === JOB_ID);
  if (!job) throw new Error(`job ${JOB_ID} not in Nomad`);
  const ns = encodeURIComponent(job.Namespace ?? 'default');
  const allocs = await getJson<Array<{ DeploymentStatus?: { Healthy: boolean | null; Timestamp: string } | null }>>(
    nomad,
    `/v1/deployment/allocations/${deploymentId}?namespace=${ns}`,
  );
  const healthyAt = allocs.map((a) => {
    if (!a.DeploymentStatus?.Healthy) throw new Error(`an allocation of ${deploymentId} is not healthy`);
    return Date.parse(a.DeploymentStatus.Timestamp);
  });
  if (healthyAt.length === 0) throw new Error(`deployment ${deploymentId} has no allocations`);
  return Math.max(...healthyAt) - job.SubmitTime / 1e6;
}

/** Runs a command through the one-shot CLI; `tolerated` is a failure that is fine (e.g. nothing to stop). */
async function netops(text: string, tolerated?: RegExp): Promise<Record<string, unknown>> {
  const res = await runCli([text, '--json', '--config', CONFIG_PATH], { timeoutMs: 300_000 });
  if (res.json && (res.code === 0 || tolerated?.test(String(res.json.error)))) return res.json;
  throw new Error(`${text} exited ${res.code}: ${res.stderr.slice(-2000)}${res.stdout}`);
}

async function oneRound(): Promise<Round> {
  // The first round finds no job on a fresh lab: nothing to stop is fine.
  await netops(`/deploy stop ${JOB} subnet=${TENANT}`, /is not registered in Nomad: nothing to stop/);
  const report = await netops(`/deploy ${JOB} subnet=${TENANT}`);
  const phases = report.phases as Array<{ phase: string; ms: number }>;
  const deployment = report.deployment as { id: string; status: string } | null;
  if (report.change !== 'applied' || deployment?.status !== 'successful')
    throw new Error(`deploy did not make a new successful deployment: ${JSON.stringify(report.title)}`);
  const names = phases.map((p) => p.phase);
  if (names.join() !== PHASES.join()) throw new Error(`unexpected phases ${names.join(', ')}`);
  const botMs = phases.reduce((s, p) => s + p.ms, 0);
  const own = await nomadOwnMs(deployment.id);
  return {
    botMs,
    nomadOwnMs: Math.round(own),
    overheadMs: Math.round(botMs - own),
    phases: Object.fromEntries(phases.map((p) => [p.phase, p.ms])),
  };
}

/** ROUNDS deploys of httpbackend for tenant-b on the lab, each after a stop. Owns the lab while it runs. */
export async function run(): Promise<DeployOverheadResult> {
  const teardown = await bringUpLabForTests();
  try {
    const rounds: Round[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      rounds.push(await oneRound());
      console.error(`round ${i + 1}: ${JSON.stringify(rounds.at(-1))}`);
    }
    const ms = (key: keyof Round) => rounds.map((r) => r[key] as number);
    const summary: Record<string, Figure> = {
      'bot overhead beyond Nomad’s own deployment': figure(ms('overheadMs'), {
        unit: 'ms',
        better: 'lower',
        target: TARGET_OVERHEAD_MS,
      }),
      'bot total (phases)': figure(ms('botMs'), { unit: 'ms', better: 'lower' }),
      'Nomad’s own deployment (SubmitTime → last healthy)': figure(ms('nomadOwnMs'), { unit: 'ms', better: 'lower' }),
    };
    for (const p of PHASES) {
      summary[`phase ${p}`] = figure(
        rounds.map((r) => r.phases[p] ?? 0),
        { unit: 'ms', better: 'lower' },
      );
    }
    return {
      name: 'deploy-overhead',
      date: new Date().toISOString(),
      rounds,
      checkIntervalMs: CHECK_INTERVAL_MS,
      targetOverheadMs: TARGET_OVERHEAD_MS,
      summary,
      pass: median(ms('overheadMs')) <= TARGET_OVERHEAD_MS,
    };
  } finally {
    await teardown();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await run();
  console.log(JSON.stringify(result.summary, null, 2));
}

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type SpawnedProcess, spawnEntry } from '../helpers/spawn-bot.js';

const ROOT = resolve(import.meta.dirname, '../..');

/** Signing secret and bot token of every bot process the fault, scale and bench runs start. */
export const SIGNING_SECRET = 'fault-signing-secret-0123456789abcdef';
export const BOT_TOKEN = 'xoxb-fault-0000-test-token';

export interface BotConfigOptions {
  slackApiUrl: string;
  nomadAddress?: string;
  consulAddress?: string;
  /** Replaces the example's `hosts:` section (e.g. hosts of a test sshd). */
  hostsYaml?: string;
  /** Nomad client timeout. */
  nomadTimeoutMs?: number;
  /** Slack user ids allowed to run every command (policy role `ops`). @defaultValue ['U0ANN'] */
  users?: string[];
}

/**
 * Writes config files for real bot processes: the example config with a Slack section pointing at the API
 * stand-in. The HTTP port is part of the file, so `fileFor(port)` writes one file per bot process.
 */
export function writeBotConfig(opts: BotConfigOptions): { dir: string; fileFor(port: number): string } {
  const dir = mkdtempSync(join(tmpdir(), 'netops-faults-'));
  let example = readFileSync(join(ROOT, 'config/netops.example.yaml'), 'utf8').replace(
    'dir: ../jobs',
    `dir: ${join(ROOT, 'jobs')}`,
  );
  if (opts.nomadAddress) example = example.replace('address: http://127.0.0.1:4646', `address: ${opts.nomadAddress}`);
  // A stand-in Consul is dialled directly (consul.access: direct), not through the hosts' SSH.
  if (opts.consulAddress)
    example = example
      .replace('address: http://127.0.0.1:8500', `address: ${opts.consulAddress}`)
      .replace('access: ssh', 'access: direct');
  if (opts.nomadTimeoutMs) example = example.replace('timeoutMs: 10000', `timeoutMs: ${opts.nomadTimeoutMs}`);
  // The example's own policy (if any) is replaced by the test users' one below.
  const policyAt = example.search(/\n(# Who may run what[^\n]*\n(#[^\n]*\n)*)?policy:/);
  if (policyAt >= 0) {
    const body = example.indexOf('policy:', policyAt);
    const next = example.slice(body).search(/\n[a-z]/);
    example = example.slice(0, policyAt + 1) + (next >= 0 ? example.slice(body + next + 1) : '');
  }
  if (opts.hostsYaml) {
    const start = example.indexOf('\nhosts:\n');
    const end = example.indexOf('\n# Networks');
    example = `${example.slice(0, start)}\n${opts.hostsYaml.trimEnd()}\n${example.slice(end)}`;
  }
  const slack = [
    'slack:',
    '  botToken: { env: SLACK_BOT_TOKEN }',
    '  signingSecret: { env: SLACK_SIGNING_SECRET }',
    '  botId: B0NETOPS',
    '  botUserId: U0NETOPS',
    `  apiUrl: ${opts.slackApiUrl}`,
  ].join('\n');
  // Deny by default: the test users get one role that may run everything everywhere.
  const users = (opts.users ?? ['U0ANN']).map((u) => `    ${u}: [ops]`).join('\n');
  const policy = `policy:\n  roles:\n    ops: { commands: ['*'], tenants: ['*'] }\n  channels:\n    C0OPS: { commands: ['*'], tenants: ['*'] }\n  users:\n${users}\n`;
  return {
    dir,
    fileFor(port: number) {
      const file = join(dir, `netops-${port}.yaml`);
      writeFileSync(file, `${slack}\n  port: ${port}\n${example}\n${policy}`);
      return file;
    },
  };
}

/** Environment of one bot/worker process. */
export function botEnv(configFile: string, redisUrl: string, extra: Record<string, string> = {}) {
  return {
    NETOPS_CONFIG: configFile,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    REDIS_URL: redisUrl,
    ...extra,
  };
}

/** Starts `src/main/<entry>` (start.ts, bot.ts, worker.ts) as its own process. */
export function startBotProcess(entry: string, env: Record<string, string>): SpawnedProcess {
  return spawnEntry(entry, env);
}

/** Stops the processes still running (spawnEntry's stop() would wait forever on one already killed). */
export async function stopAll(procs: SpawnedProcess[]): Promise<void> {
  const running = procs.filter((p) => p.child.exitCode === null && p.child.signalCode === null);
  await Promise.allSettled(running.map((p) => p.stop()));
}

/** Resident set size of a process in MB, from /proc (Linux). */
export function rssMbOf(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 102.4) / 10 : undefined;
  } catch {
    return undefined;
  }
}

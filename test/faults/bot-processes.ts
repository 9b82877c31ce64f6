import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SpawnedProcess, spawnEntry } from '../helpers/spawn-bot.js';
import {
  exampleConfig,
  withCluster,
  withHosts,
  withOpenPolicy,
  withSlack,
  writeConfigFile,
} from '../helpers/test-config.js';

/** Signing secret and bot token of every bot process the fault, scale and bench runs start. */
export const SIGNING_SECRET = 'fault-signing-secret-0123456789abcdef';
export const BOT_TOKEN = 'xoxb-fault-0000-test-token';

export interface BotConfigOptions {
  slackApiUrl: string;
  nomadAddress?: string;
  consulAddress?: string;
  /** Instead of the example's hosts (e.g. hosts of a test sshd). */
  hosts?: Parameters<typeof withHosts>[1];
  /** Nomad client timeout. */
  nomadTimeoutMs?: number;
  /** Slack user ids allowed to run every command (policy role `ops`). @defaultValue ['U0ANN'] */
  users?: string[];
}

/**
 * Writes config files for real bot processes: the example config (test/helpers/test-config.ts) with a Slack
 * section pointing at the API stand-in and, deny by default, the test users' one role that may run everything
 * everywhere instead of the example's policy. The HTTP port is part of the file, so `fileFor(port)` writes one
 * file per bot process.
 */
export function writeBotConfig(opts: BotConfigOptions): { dir: string; fileFor(port: number): string } {
  const dir = mkdtempSync(join(tmpdir(), 'netops-faults-'));
  const open = withOpenPolicy(withCluster(exampleConfig(), opts), opts.users ?? ['U0ANN']);
  const config = opts.hosts ? withHosts(open, opts.hosts) : open;
  return {
    dir,
    fileFor: (port) =>
      writeConfigFile(join(dir, `netops-${port}.yaml`), withSlack(config, { apiUrl: opts.slackApiUrl, port })),
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

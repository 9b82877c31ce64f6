import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NOMAD_PORT, STATE_DIR, UNDERLAY_GATEWAY } from '../topology.js';
import { REPO_DIR, spawnDetachedTs, stopPidFile, stopProcessesRunning, waitForHttp } from './detached-process.js';
import { selectNomadProfile } from './version-profiles.js';

const entry = join(REPO_DIR, 'test/lab/nomad/main.ts');

/** Options of the emulated Nomad server; all optional (lab defaults). */
export interface NomadStartOptions {
  bind?: string;
  port?: number;
  consulPort?: number;
  /** Require this ACL token on every request. */
  aclToken?: string;
  consulToken?: string;
  /** Memory each node offers to allocations (default 1024 MB). */
  nodeMemoryMB?: number;
  /** Release to answer as (version-profiles.ts; default the current one). */
  nomadVersion?: string;
  /** Server region (default `global`) and node datacenter (default `dc1`). */
  region?: string;
  datacenter?: string;
  /** Namespaces to create besides `default` (1.0+ profiles only). */
  namespaces?: readonly string[];
  /** Deployments start `initializing` as multiregion ones do (Enterprise, 1.5+ profiles only). */
  multiregionDeployments?: boolean;
  /** How long an evaluation waits before the scheduler takes it (default 60 ms): a busy scheduler. */
  evalDelayMs?: number;
  stateDir?: string;
  timeoutMs?: number;
}

/** The started server. */
export interface StartedNomad {
  pid: number;
  pids: number[];
  nomadAddress: string;
  address: string;
  stop(): Promise<void>;
}

/**
 * Starts the emulated Nomad server as a detached process (log `nomad.log`, pid `nomad.pid` in the state
 * dir), after stopping a leftover one, and resolves when it answers `GET /v1/nodes`.
 */
export async function start(opts: NomadStartOptions = {}): Promise<StartedNomad> {
  const stateDir = opts.stateDir ?? STATE_DIR;
  const pidFile = join(stateDir, 'nomad.pid');
  const logFile = join(stateDir, 'nomad.log');
  // Refuse an unknown version here, before anything starts (the server would only log it).
  const profile = selectNomadProfile(opts.nomadVersion);
  if (opts.multiregionDeployments && !profile.statuses.deployment.includes('initializing')) {
    throw new Error(`--nomad-multiregion needs Nomad 1.5 or later (deployments initializing), not ${profile.reported}`);
  }
  await stop({ stateDir });
  const bind = opts.bind ?? UNDERLAY_GATEWAY;
  const port = opts.port ?? NOMAD_PORT;
  const logOffset = readLog(logFile).length;
  const pid = spawnDetachedTs({
    entry,
    logFile,
    pidFile,
    env: {
      NOMAD_LAB_BIND: bind,
      NOMAD_LAB_PORT: String(port),
      NOMAD_LAB_CONSUL_PORT: opts.consulPort === undefined ? '' : String(opts.consulPort),
      NOMAD_LAB_ACL_TOKEN: opts.aclToken ?? '',
      NOMAD_LAB_CONSUL_TOKEN: opts.consulToken ?? '',
      NOMAD_LAB_NODE_MEMORY_MB: String(opts.nodeMemoryMB ?? 1024),
      NOMAD_LAB_VERSION: opts.nomadVersion ?? '',
      NOMAD_LAB_REGION: opts.region ?? '',
      NOMAD_LAB_DATACENTER: opts.datacenter ?? '',
      NOMAD_LAB_NAMESPACES: (opts.namespaces ?? []).join(','),
      NOMAD_LAB_MULTIREGION: opts.multiregionDeployments ? '1' : '',
      NOMAD_LAB_EVAL_DELAY_MS: opts.evalDelayMs === undefined ? '' : String(opts.evalDelayMs),
    },
  });
  const address = `http://${bind}:${port}`;
  await waitForOwnServer(pid, logFile, logOffset, opts.timeoutMs ?? 20_000);
  await waitForHttp(`${address}/v1/nodes`, opts.timeoutMs ?? 20_000, logFile);
  return { pid, pids: [pid], nomadAddress: address, address, stop: () => stop({ stateDir }) };
}

/** Stops the server started from this state dir (by its pid file). */
export async function stop(opts: { stateDir?: string } = {}): Promise<void> {
  await stopPidFile(join(opts.stateDir ?? STATE_DIR, 'nomad.pid'));
  await stopProcessesRunning(entry);
}

/**
 * Waits until this process logs that it listens. Anything else already answering on the port (a leftover
 * server of another lab) would otherwise pass for it; such a clash ends the new process, reported here.
 */
async function waitForOwnServer(pid: number, logFile: string, logOffset: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    // The log is appended to across runs: only what this process wrote counts.
    const log = readLog(logFile).slice(logOffset);
    if (log.includes('lab nomad listening')) return;
    if (!isRunning(pid) || log.includes('lab nomad cannot listen')) {
      throw new Error(`the lab Nomad (pid ${pid}) did not start; log tail:\n${log.split('\n').slice(-10).join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the lab Nomad (pid ${pid}) did not listen within ${timeoutMs} ms`);
}

function readLog(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

import { rmSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { findFreePort } from '../../src/queue/embedded-redis.js';
import { restartTestRedis, startTestRedis } from '../helpers/redis-server.js';
import { type SlackApiStub, startSlackApiStub } from '../helpers/slack-api-stub.js';
import { type SpawnedProcess, waitForOutput } from '../helpers/spawn-bot.js';
import { type BotConfigOptions, botEnv, startBotProcess, stopAll, writeBotConfig } from './bot-processes.js';
import { startUpstreamStub, type UpstreamMode, type UpstreamStub } from './upstream-stub.js';

/** An entry point of src/main that the fault suites start as its own process. */
type BotEntry = 'start.ts' | 'bot.ts' | 'worker.ts';

/** What a process prints once it serves: the front end (start.ts runs one too) or the workers. */
const READY: Record<BotEntry, RegExp> = {
  'start.ts': /slack front end started/,
  'bot.ts': /slack front end started/,
  'worker.ts': /workers started/,
};

/** The bot's config options besides the stand-ins' addresses, which the stand fills in. */
type StandConfig = Omit<BotConfigOptions, 'slackApiUrl' | 'nomadAddress' | 'consulAddress'>;

export interface FaultStandOptions {
  /** How the Nomad/Consul stand-in answers at first; tests switch `upstream.mode` later. */
  upstreamMode: UpstreamMode;
  /** Added before every upstream answer (so jobs stay in flight a while). @defaultValue 0 */
  upstreamDelayMs?: number;
  /**
   * Config options (hosts, users, Nomad timeout), or a function returning them; the function runs inside the
   * stand's beforeAll, after Redis and the stand-ins are up, so it may start what the hosts point at (an sshd).
   */
  config?: StandConfig | (() => Promise<StandConfig>);
  /** A process to start, and wait for until it serves, before the tests (none by default). */
  startFirst?: BotEntry;
  /** Extra environment of every process the stand starts. */
  env?: Record<string, string>;
}

/** What a fault suite runs against; the fields are set in beforeAll, so read them in hooks and tests only. */
export interface FaultStand {
  redis: Awaited<ReturnType<typeof startTestRedis>>;
  slack: SlackApiStub;
  upstream: UpstreamStub;
  /** The HTTP port of the bot's front end (part of the config file). */
  port: number;
  configFile: string;
  /** Every process started, oldest first; those still running are stopped at teardown. */
  procs: SpawnedProcess[];
  /** A Redis client on the stand's server, made on first use and disconnected at teardown. */
  readonly probe: Redis;
  /** Starts `src/main/<entry>` with the stand's config and Redis (plus `env`), without waiting for it. */
  spawn(entry: BotEntry, env?: Record<string, string>): SpawnedProcess;
  /** {@link FaultStand.spawn}, then waits until the process serves. */
  start(entry: BotEntry, env?: Record<string, string>): Promise<SpawnedProcess>;
  /** A new redis-server on the same port and data (after the test killed the first); stopped at teardown. */
  restartRedis(): Promise<void>;
}

/**
 * Registers the beforeAll/afterAll of a fault suite: a private redis-server, the Slack API stand-in, the
 * Nomad/Consul stand-in, a config file for a free HTTP port (test/faults/bot-processes.ts), and the bot processes
 * the tests start. Teardown stops the processes first, then what they talk to, whatever part of the set-up ran.
 */
export function useFaultStand(opts: FaultStandOptions): FaultStand {
  let dir: string | undefined;
  let probe: Redis | undefined;
  let restarted: { stop(): Promise<void> } | undefined;
  const procs: SpawnedProcess[] = [];
  const stand = {
    procs,
    get probe() {
      probe ??= new Redis(stand.redis.url);
      return probe;
    },
    spawn(entry: BotEntry, env: Record<string, string> = {}) {
      const proc = startBotProcess(entry, botEnv(stand.configFile, stand.redis.url, { ...opts.env, ...env }));
      procs.push(proc);
      return proc;
    },
    async start(entry: BotEntry, env: Record<string, string> = {}) {
      const proc = stand.spawn(entry, env);
      await waitForOutput(proc, READY[entry], 60_000);
      return proc;
    },
    async restartRedis() {
      restarted = await restartTestRedis(stand.redis);
    },
  } as FaultStand;

  beforeAll(async () => {
    stand.redis = await startTestRedis();
    stand.slack = await startSlackApiStub();
    stand.upstream = await startUpstreamStub(opts.upstreamMode);
    if (opts.upstreamDelayMs !== undefined) stand.upstream.delayMs = opts.upstreamDelayMs;
    stand.port = await findFreePort();
    const extra = typeof opts.config === 'function' ? await opts.config() : (opts.config ?? {});
    const config = writeBotConfig({
      ...extra,
      slackApiUrl: stand.slack.url,
      nomadAddress: stand.upstream.url,
      consulAddress: stand.upstream.url,
    });
    dir = config.dir;
    stand.configFile = config.fileFor(stand.port);
    if (opts.startFirst) await stand.start(opts.startFirst);
  }, 90_000);

  afterAll(async () => {
    probe?.disconnect();
    await stopAll(procs);
    await restarted?.stop();
    await stand.upstream?.close();
    await stand.slack?.close();
    await stand.redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  return stand;
}

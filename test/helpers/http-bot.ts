import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '../../src/queue/embedded-redis.js';
import { startTestRedis } from './redis-server.js';
import { type SlackApiStub, startSlackApiStub } from './slack-api-stub.js';
import { type SpawnedProcess, spawnEntry, waitForOutput } from './spawn-bot.js';
import { type ConfigFile, exampleConfig, withPolicyUsers, withSlack, writeConfigFile } from './test-config.js';

export interface HttpBot {
  bot: SpawnedProcess;
  port: number;
  redisUrl: string;
  slack: SlackApiStub;
  /** The bot's config file (the example config with a Slack section). */
  configPath: string;
  close(): Promise<void>;
}

export interface HttpBotOptions {
  /** Slack signing secret the bot checks requests against. */
  secret: string;
  /** Bot token the Slack stand-in accepts. */
  token: string;
  /** Users added to the example policy as admins (the example's other users and channels stay as they are). */
  admins?: readonly string[];
  /** Last edit of the config, e.g. a policy change (test/helpers/test-config.ts). */
  editConfig?: (config: ConfigFile) => ConfigFile;
}

/**
 * The bot in HTTP mode in its own process (the real Bolt receiver, production start-up with `start.ts`), with the
 * example config (C0OPS allows everything) against a Slack stand-in and a private Redis: the set-up of every suite
 * that talks to the bot as Slack does.
 */
export async function startHttpBot(opts: HttpBotOptions): Promise<HttpBot> {
  const redis = await startTestRedis();
  const slack = await startSlackApiStub({ token: opts.token });
  const port = await findFreePort();
  const dir = mkdtempSync(join(tmpdir(), 'netops-http-bot-'));
  const admins = Object.fromEntries((opts.admins ?? []).map((u) => [u, ['admin']]));
  const config = withSlack(withPolicyUsers(exampleConfig(), admins), { apiUrl: slack.url, port });
  const configPath = writeConfigFile(join(dir, 'netops.yaml'), opts.editConfig ? opts.editConfig(config) : config);
  const bot = spawnEntry('start.ts', {
    NETOPS_CONFIG: configPath,
    SLACK_BOT_TOKEN: opts.token,
    SLACK_SIGNING_SECRET: opts.secret,
    REDIS_URL: redis.url,
  });
  const close = async () => {
    await bot.stop();
    await slack.close();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForOutput(bot, /slack front end started/, 60_000);
  } catch (err) {
    await close();
    throw err;
  }
  return { bot, port, redisUrl: redis.url, slack, configPath, close };
}

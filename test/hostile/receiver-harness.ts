import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findFreePort } from '../../src/queue/embedded-redis.js';
import { startTestRedis } from '../helpers/redis-server.js';
import { type SlackApiStub, startSlackApiStub } from '../helpers/slack-api-stub.js';
import { type SpawnedProcess, spawnEntry, waitForOutput } from '../helpers/spawn-bot.js';

export const SECRET = 'hostile-signing-secret-0123456789abcdef';
const TOKEN = 'xoxb-hostile-0000-test-token';

export interface HttpBot {
  bot: SpawnedProcess;
  port: number;
  redisUrl: string;
  slack: SlackApiStub;
  close(): Promise<void>;
}

/**
 * The bot in HTTP mode in its own process (the real Bolt receiver, production start-up), with the example
 * config, U0ANN as admin and C0OPS allowing everything, against a Slack stand-in and a private Redis.
 */
export async function startHttpBot(policyPatch: (yaml: string) => string = (y) => y): Promise<HttpBot> {
  const redis = await startTestRedis();
  const slack = await startSlackApiStub({ token: TOKEN });
  const port = await findFreePort();
  const dir = mkdtempSync(join(tmpdir(), 'netops-hostile-'));
  const example = readFileSync(resolve('config/netops.example.yaml'), 'utf8')
    .replace('dir: ../jobs', `dir: ${resolve('jobs')}`)
    .replace('\n  users:\n', '\n  users:\n    U0ANN: [admin]\n    U0BOB: [admin]\n');
  const slackSection = [
    'slack:',
    '  botToken: { env: SLACK_BOT_TOKEN }',
    '  signingSecret: { env: SLACK_SIGNING_SECRET }',
    '  botId: B0NETOPS',
    '  botUserId: U0NETOPS',
    `  apiUrl: ${slack.url}`,
    `  port: ${port}`,
    '',
  ].join('\n');
  writeFileSync(join(dir, 'netops.yaml'), policyPatch(`${slackSection}${example}`));
  const bot = spawnEntry('start.ts', {
    NETOPS_CONFIG: join(dir, 'netops.yaml'),
    SLACK_BOT_TOKEN: TOKEN,
    SLACK_SIGNING_SECRET: SECRET,
    REDIS_URL: redis.url,
  });
  await waitForOutput(bot, /slack front end started/, 60_000);
  return {
    bot,
    port,
    redisUrl: redis.url,
    slack,
    async close() {
      await bot.stop();
      await slack.close();
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resident memory of a process in bytes (Linux /proc). */
export function readRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (!kb) throw new Error(`no VmRSS for ${pid}`);
  return Number(kb) * 1024;
}

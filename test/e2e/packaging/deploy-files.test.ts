import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import ssh2 from 'ssh2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadConfig } from '../../../src/config/index.js';
import { findFreePort } from '../../../src/queue/embedded-redis.js';
import { BOT_TOKEN, SIGNING_SECRET, writeBotConfig } from '../../faults/bot-processes.js';
import { postSlashCommand } from '../../faults/slack-client.js';
import { readComposeService } from '../../helpers/compose-file.js';
import { type ContainerProcess, imageEnv, startContainerProcess } from '../../helpers/container-process.js';
import {
  interpolateNomad,
  parseEnvFile,
  readNomadTask,
  renderNomadTemplate,
  type TemplateSources,
} from '../../helpers/nomad-task-file.js';
import { startTestRedis } from '../../helpers/redis-server.js';
import { type SlackApiStub, startSlackApiStub } from '../../helpers/slack-api-stub.js';
import { startSocketModeStub } from '../../helpers/socket-mode-stub.js';
import { waitFor } from '../../helpers/wait-for.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const COMPOSE_FILE = join(ROOT, 'docker-compose.yml');
const NOMAD_JOB = join(ROOT, 'jobs/netops-bot.nomad.hcl');

let redis: Awaited<ReturnType<typeof startTestRedis>>;
let slack: SlackApiStub;
let dir: string;
const procs: ContainerProcess[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  slack = await startSlackApiStub({ token: BOT_TOKEN });
  dir = mkdtempSync(join(tmpdir(), 'netops-deploy-files-'));
});
afterEach(async () => {
  await Promise.allSettled(procs.splice(0).map((p) => p.stop()));
});
afterAll(async () => {
  await slack?.close();
  await redis?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * The operator's config (mounted by compose, a Nomad variable for the job) for a bot on `port`. Bot and workers
 * share it, so it names no Slack secret: each process reads SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET and
 * SLACK_APP_TOKEN when its environment has them (the documented default), and a worker has only the first.
 */
function operatorConfig(port: number, apiUrl = slack.url): string {
  const config = parse(readFileSync(writeBotConfig({ slackApiUrl: apiUrl }).fileFor(port), 'utf8'));
  // Edited as data: the file is written by the YAML library, whose layout a text replace cannot rely on.
  delete config.slack.botToken;
  delete config.slack.signingSecret;
  return stringify(config);
}

/** Polls GET http://127.0.0.1:port/path until it answers `status`. */
async function waitForHttp(port: number, path: string, status: number, proc: ContainerProcess): Promise<void> {
  await waitFor(
    async () => {
      const res = await fetch(`http://127.0.0.1:${port}${path}`).catch(() => undefined);
      return res?.status === status ? true : undefined;
    },
    `${path} on :${port} to answer ${status}`,
    30_000,
    () => proc.output().slice(-3000),
  );
}

/** A command through the bot's HTTP receiver, run by the worker, answered in the Slack stand-in. */
async function expectCommandRoundTrip(botPort: number, triggerId: string, procs: ContainerProcess[]): Promise<void> {
  const before = new Set(slack.messages.keys());
  const ack = await postSlashCommand(botPort, {
    command: '/cni-bench',
    text: 'history weave',
    triggerId,
  });
  expect(ack.status).toBe(200);
  expect(ack.text).toContain(`as job \`${triggerId}\``);
  await waitFor(
    () =>
      [...slack.messages.entries()].find(
        ([ts, m]) =>
          !before.has(ts) && m.text.includes('no runs yet') && JSON.stringify(m.blocks).includes('Succeeded'),
      )
        ? true
        : undefined,
    'the reply of the worker in the Slack stand-in',
    30_000,
    () =>
      `${JSON.stringify([...slack.messages.values()]).slice(-1500)}\n${procs.map((p) => p.output().slice(-2000)).join('\n---\n')}`,
  );
}

describe('docker-compose.yml: bot and worker with exactly the environment compose gives them', () => {
  it('starts both; the bot answers a signed command that the worker runs and replies to', {
    timeout: 120_000,
  }, async () => {
    // What the operator exports before `docker compose up` (README): the bot token and the signing secret.
    const shell = { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET };
    const bot = readComposeService(COMPOSE_FILE, 'bot', shell);
    const worker = readComposeService(COMPOSE_FILE, 'worker', shell);
    expect([...bot.warnings, ...worker.warnings]).toEqual([]);

    // Containers have their own network and file system; the one substitution is where those live here:
    // the service name `redis` is the test's redis-server, `/app/config` is the mounted ./config (a copy
    // holding the operator's netops.yaml), and a port a process listens on maps to a free one.
    const botPort = await findFreePort();
    const configDir = join(dir, 'compose-config');
    mkdirSync(configDir, { recursive: true });
    writeFileSync(join(configDir, 'netops.yaml'), operatorConfig(botPort));
    expect(bot.volumes).toContainEqual({ host: './config', container: '/app/config' });
    expect(worker.volumes).toContainEqual({ host: './config', container: '/app/config' });
    const metricsPort = await findFreePort();
    const translate = (env: Record<string, string>) => {
      expect(env.REDIS_URL).toBe('redis://redis:6379');
      expect(env.NETOPS_CONFIG).toBe('/app/config/netops.yaml');
      return {
        ...env,
        REDIS_URL: redis.url,
        NETOPS_CONFIG: join(configDir, 'netops.yaml'),
        ...(env.NETOPS_METRICS_PORT ? { NETOPS_METRICS_PORT: String(metricsPort) } : {}),
      };
    };
    expect(bot.environment).toMatchObject({ NETOPS_FRONTEND: 'http', SLACK_APP_TOKEN: '' });
    expect(Object.keys(worker.environment).filter((k) => k.startsWith('SLACK_'))).toEqual(['SLACK_BOT_TOKEN']);

    const botProc = startContainerProcess(bot.command, { ...imageEnv(), ...translate(bot.environment) });
    procs.push(botProc);
    const workerProc = startContainerProcess(worker.command, { ...imageEnv(), ...translate(worker.environment) });
    procs.push(workerProc);
    await waitForHttp(botPort, '/readyz', 200, botProc);
    await waitForHttp(metricsPort, '/readyz', 200, workerProc);
    await expectCommandRoundTrip(botPort, 'compose.1', [botProc, workerProc]);
  });
});

describe('docker-compose.yml with NETOPS_FRONTEND=socket and an app token exported', () => {
  it('the bot runs Socket Mode and its health is on the metrics port', { timeout: 120_000 }, async () => {
    const appToken = 'xapp-1-A0NETOPS-compose';
    const socket = await startSocketModeStub({ appToken, webApiUrl: slack.url });
    try {
      const shell = { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: appToken, NETOPS_FRONTEND: 'socket' };
      const bot = readComposeService(COMPOSE_FILE, 'bot', shell);
      const worker = readComposeService(COMPOSE_FILE, 'worker', shell);
      expect([...bot.warnings, ...worker.warnings]).toEqual([]);
      expect(bot.environment).toMatchObject({ NETOPS_FRONTEND: 'socket', SLACK_SIGNING_SECRET: '' });
      const configDir = join(dir, 'compose-socket-config');
      mkdirSync(configDir, { recursive: true });
      writeFileSync(join(configDir, 'netops.yaml'), operatorConfig(await findFreePort(), socket.url));
      const [botMetrics, workerMetrics] = [await findFreePort(), await findFreePort()];
      const translate = (env: Record<string, string>, metricsPort: number) => ({
        ...env,
        REDIS_URL: redis.url,
        NETOPS_CONFIG: join(configDir, 'netops.yaml'),
        NETOPS_METRICS_PORT: String(metricsPort),
      });
      const botProc = startContainerProcess(bot.command, { ...imageEnv(), ...translate(bot.environment, botMetrics) });
      procs.push(botProc);
      const workerEnv = { ...imageEnv(), ...translate(worker.environment, workerMetrics) };
      const workerProc = startContainerProcess(worker.command, workerEnv);
      procs.push(workerProc);
      await waitForHttp(botMetrics, '/readyz', 200, botProc);
      await waitForHttp(workerMetrics, '/readyz', 200, workerProc);
      await waitFor(() => (socket.live().length === 2 ? true : undefined), 'two Socket Mode connections', 30_000);
      const before = new Set(slack.messages.keys());
      const envelope = socket.sendSlashCommand({
        team_id: 'T0001',
        channel_id: 'C0OPS',
        user_id: 'U0ANN',
        command: '/cni-bench',
        text: 'history weave',
        response_url: 'https://hooks.slack.invalid/commands/T0001/1/abc',
        trigger_id: 'compose.socket.1',
      });
      expect(JSON.stringify(await envelope.outcome)).toContain('as job `compose.socket.1`');
      await waitFor(
        () =>
          [...slack.messages.entries()].find(([ts, m]) => !before.has(ts) && m.text.includes('no runs yet'))
            ? true
            : undefined,
        'the reply',
        30_000,
        () => `${botProc.output().slice(-2000)}\n---\n${workerProc.output().slice(-2000)}`,
      );
    } finally {
      await Promise.allSettled(procs.splice(0).map((p) => p.stop()));
      await socket.close();
    }
  });
});

describe('jobs/netops-bot.nomad.hcl: bot and worker tasks with their env blocks and rendered templates', () => {
  /** A task's environment as Nomad builds it: env block (interpolated) plus the `env = true` templates. */
  async function prepareTask(group: string, sources: TemplateSources) {
    const task = await readNomadTask(NOMAD_JOB, group, group);
    const taskDir = join(dir, `nomad-${group}`);
    const runtime = { NOMAD_SECRETS_DIR: join(taskDir, 'secrets'), NOMAD_TASK_DIR: join(taskDir, 'local') };
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(task.env)) env[key] = interpolateNomad(value, runtime);
    for (const tpl of task.templates) {
      const text = renderNomadTemplate(tpl.data, sources);
      if (tpl.env) {
        for (const [key, value] of Object.entries(parseEnvFile(text))) {
          expect(env, `${key} set twice`).not.toHaveProperty(key);
          env[key] = value;
        }
        continue;
      }
      // Template destinations are relative to the task directory (secrets/ is NOMAD_SECRETS_DIR).
      const path = join(taskDir, tpl.destination);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
      if (tpl.perms) chmodSync(path, Number.parseInt(tpl.perms, 8));
    }
    return { task, env };
  }

  it('starts both; the bot answers a signed command that the worker runs and replies to', {
    timeout: 120_000,
  }, async () => {
    const botPort = await findFreePort();
    // The config is a Nomad variable shared by both tasks: tokens only workers get are optional references.
    const config = operatorConfig(botPort).replace(
      'address: http://127.0.0.1:4646',
      'address: http://127.0.0.1:4646\n      token: { env: NOMAD_TOKEN, optional: true }',
    );
    const sources: TemplateSources = {
      variables: {
        'nomad/jobs/netops-bot': {
          slack_bot_token: BOT_TOKEN,
          slack_signing_secret: SIGNING_SECRET,
          nomad_token: '11111111-2222-3333-4444-555555555555',
          consul_token: '66666666-7777-8888-9999-000000000000',
          ssh_private_key: usableEd25519Key(),
        },
        'nomad/jobs/netops-bot/config': { netops_yaml: config },
      },
      services: { 'netops-redis': [{ Address: '127.0.0.1', Port: redis.port }] },
    };
    const bot = await prepareTask('bot', sources);
    const worker = await prepareTask('worker', sources);
    expect(bot.env).toMatchObject({ NETOPS_FRONTEND: 'http', SLACK_BOT_TOKEN: BOT_TOKEN, REDIS_URL: redis.url });
    expect(worker.env).toMatchObject({
      SLACK_BOT_TOKEN: BOT_TOKEN,
      NOMAD_TOKEN: sources.variables['nomad/jobs/netops-bot']?.nomad_token,
    });
    expect(worker.env).not.toHaveProperty('SLACK_SIGNING_SECRET');
    // Each task listens inside its container on the port its group maps: the bot on the config's default port
    // (3000, written as a free port here), the worker on NETOPS_METRICS_PORT.
    expect(bot.task.ports.http).toBe(loadConfig({}, { cwd: ROOT }).slack.port);
    expect(Number(worker.env.NETOPS_METRICS_PORT)).toBe(worker.task.ports.metrics);
    const metricsPort = await findFreePort();

    const botProc = startContainerProcess([bot.task.command, ...bot.task.args], { ...imageEnv(), ...bot.env });
    procs.push(botProc);
    const workerEnv = { ...imageEnv(), ...worker.env, NETOPS_METRICS_PORT: String(metricsPort) };
    const workerProc = startContainerProcess([worker.task.command, ...worker.task.args], workerEnv);
    procs.push(workerProc);
    // The service checks of the job: ready (/readyz) for both, alive (/healthz) for the bot.
    await waitForHttp(botPort, '/readyz', 200, botProc);
    await waitForHttp(botPort, '/healthz', 200, botProc);
    await waitForHttp(metricsPort, '/readyz', 200, workerProc);
    await expectCommandRoundTrip(botPort, 'nomad.1', [botProc, workerProc]);
  });
});

/** An OpenSSH ed25519 private key that ssh2 parses (its generator rarely emits one it cannot read back). */
function usableEd25519Key(): string {
  for (;;) {
    const key = ssh2.utils.generateKeyPairSync('ed25519').private;
    if (!(ssh2.utils.parseKey(key) instanceof Error)) return key;
  }
}

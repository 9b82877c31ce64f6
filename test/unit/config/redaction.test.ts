import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Config,
  collectSecretValues,
  loadConfig,
  REDACTED,
  redactConfig,
  secretPaths,
} from '../../../src/config/index.js';
import { createLogger } from '../../../src/logging.js';
import { baseEnv, type ConfigFixture, catchConfigError, createConfigFixture } from './config-fixture.js';

const slackEnv = {
  SLACK_BOT_TOKEN: 'xoxb-1111-2222-SeCrEtBoTtOkEn',
  SLACK_SIGNING_SECRET: '8f14e45fceea167a5a36dedd4bea2543',
  SLACK_APP_TOKEN: 'xapp-1-A0-3333-SeCrEtApPtOkEn',
  REDIS_URL: 'redis://netops:r3d1s-pa55@127.0.0.1:6390/0',
};

/** A pino destination that keeps every line. */
function captureLines(): { stream: Writable & { write(line: string): boolean }; text: () => string } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => lines.join('') };
}

describe('secret redaction', () => {
  let fx: ConfigFixture;
  let config: Config;
  let secrets: string[];
  beforeAll(() => {
    fx = createConfigFixture();
    config = loadConfig({ ...baseEnv(), ...slackEnv }, { path: fx.writeConfig(fx.baseDoc()) });
    // What must never show up: every resolved secret, each line of the private key, the Redis password.
    secrets = [
      ...Object.values(slackEnv),
      baseEnv().NOMAD_TOKEN!,
      fx.consulToken,
      fx.privateKey,
      ...fx.privateKey.split('\n').filter((l) => l.length >= 8 && !l.startsWith('-----')),
      'r3d1s-pa55',
    ];
  });
  afterAll(() => fx.remove());

  it('derives redact paths from the schema marks', () => {
    expect(secretPaths().sort()).toEqual(
      [
        'clusters[*].consul.token',
        'clusters[*].nomad.token',
        'hosts[*].privateKey',
        'redis.url',
        'slack.appToken',
        'slack.botToken',
        'slack.signingSecret',
        'tenants[*].nomad.token',
      ].sort(),
    );
    expect(secretPaths('config')).toContain('config.hosts[*].privateKey');
  });

  it('collects every resolved secret value', () => {
    const values = collectSecretValues(config);
    for (const s of [...Object.values(slackEnv), baseEnv().NOMAD_TOKEN!, fx.consulToken, fx.privateKey, 'r3d1s-pa55']) {
      expect(values).toContain(s);
    }
    // The JSON-escaped form of the multi-line key, as it appears inside a log line.
    expect(values).toContain(JSON.stringify(fx.privateKey).slice(1, -1));
  });

  it('redactConfig replaces secrets and keeps everything else', () => {
    const redacted = redactConfig(config);
    const text = JSON.stringify(redacted);
    for (const s of secrets) expect(text).not.toContain(s);
    expect(redacted.slack.botToken).toBe(REDACTED);
    expect(redacted.hosts[0]!.privateKey).toBe(REDACTED);
    expect(redacted.hosts[1]!.privateKey).toBeUndefined();
    expect(redacted.hosts[0]!.keyFile).toBe(fx.keyPath);
    expect(redacted.clusters[0]!.nomad.address).toBe('http://127.0.0.1:4646');
    expect(config.slack.botToken).toBe(slackEnv.SLACK_BOT_TOKEN);
  });

  it('a logger built from the helpers shows no secret, whether logged as fields or inside messages', () => {
    const out = captureLines();
    const logger = createLogger({
      destination: out.stream,
      redactPaths: [...secretPaths(), ...secretPaths('config')],
      secretValues: collectSecretValues(config),
    });
    logger.info({ config }, 'loaded config');
    logger.info(config, 'config as the log object');
    const upstream = new Error(`connect failed for ${config.redis.url} with token ${config.clusters[0]!.nomad.token}`);
    logger.error({ err: upstream }, `request with ${config.slack.botToken} and key ${config.hosts[0]!.privateKey}`);
    logger.warn(`key line leaked: ${fx.privateKey.split('\n')[1]}`);
    const text = out.text();
    expect(text).toContain('loaded config');
    expect(text).toContain(REDACTED);
    for (const s of secrets) expect(text, `secret ${s.slice(0, 6)}… in log`).not.toContain(s);
    // The masked line must still be valid JSON.
    for (const line of text.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('problems never quote a secret value', () => {
    const doc = fx.baseDoc();
    doc.slack = { botToken: 'xoxb-literal-SeCrEt' };
    const err = catchConfigError(() =>
      loadConfig({ ...baseEnv(), SLACK_APP_TOKEN: 'xoxb-wrong-kind-SeCrEt' }, { path: fx.writeConfig(doc) }),
    );
    expect(err.problems).toHaveLength(2);
    expect(err.message).not.toContain('SeCrEt');
  });
});

describe('response URL masking', () => {
  it('masks Slack response URLs wherever they appear in a log line, keeping what was called', () => {
    const out = captureLines();
    const logger = createLogger({ level: 'info', destination: out.stream });
    const command = 'https://hooks.slack.com/commands/T0001/5551234/Abc123SecretPart';
    const action = 'https://hooks.slack.com/actions/T0001/5551235/Def456SecretPart';
    logger.info({ reply: { kind: 'slack', channel: 'C1', respond: { url: command } } }, 'queued');
    logger.warn({ err: new Error(`POST ${action} failed`) }, `could not answer ${action}`);
    const text = out.text();
    expect(text).not.toContain('SecretPart');
    expect(text).toContain('https://hooks.slack.com/commands/[REDACTED]');
    expect(text).toContain('https://hooks.slack.com/actions/[REDACTED]');
  });
});

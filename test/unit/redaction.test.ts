import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { ErrorCode, NetopsError, UpstreamHttpError } from '../../src/errors.js';
import { boundarySecrets, capText, redactExternal, setBoundarySecrets } from '../../src/redaction.js';
import { toUnrecoverable } from '../../src/workers/classify-error.js';
import { baseEnv, type ConfigFixture, catchConfigError, createConfigFixture } from './config/config-fixture.js';

describe('redactExternal (issue 17 item 1)', () => {
  it('masks configured secrets, sent credentials, URL userinfo, response URLs and Slack token shapes', () => {
    setBoundarySecrets(['configured-secret-value-1234']);
    const text = [
      'a configured-secret-value-1234 b',
      'sent per-request-credential-5678',
      'url https://bob:s3cretpw@nomad.example:4646/v1/jobs',
      'hook https://hooks.slack.com/commands/T1/2/abcdefSECRET',
      'token xoxb-12345-67890-abcdefghij and xapp-1-A1-2-zzzzzzzz',
    ].join('\n');
    const out = redactExternal(text, { sent: ['per-request-credential-5678'] });
    for (const leaked of [
      'configured-secret',
      'per-request-credential',
      's3cretpw',
      'abcdefSECRET',
      'xoxb-1',
      'xapp-1',
    ])
      expect(out).not.toContain(leaked);
    expect(out).toContain('nomad.example:4646');
  });

  it('caps outside text and says how much was cut', () => {
    const out = redactExternal('x'.repeat(50_000), { max: 100 });
    expect(out.length).toBeLessThan(140);
    expect(out).toMatch(/more characters\)$/);
    expect(capText('short', 100)).toBe('short');
  });

  it('masks a secret that straddles the cap instead of leaving half of it', () => {
    setBoundarySecrets(['straddling-secret-abcdef']);
    const out = redactExternal(`${'y'.repeat(95)}straddling-secret-abcdef`, { max: 100 });
    expect(out).not.toContain('straddling-s');
  });
});

describe('errors are redacted where they are created', () => {
  it('NetopsError message and userMessage, UpstreamHttpError body and stack carry no configured secret', () => {
    setBoundarySecrets(['error-secret-value-9999']);
    const err = new UpstreamHttpError('nomad.jobs.list', 502, 'gateway says error-secret-value-9999', {
      userMessage: 'Nomad said error-secret-value-9999',
    });
    for (const t of [err.message, err.userMessage ?? '', err.body, err.stack ?? ''])
      expect(t).not.toContain('error-secret-value-9999');
  });

  it('the BullMQ failure record of a foreign error (ssh2, Slack) is redacted', () => {
    setBoundarySecrets(['foreign-secret-value-4242']);
    const wrapped = toUnrecoverable(new Error('ssh said foreign-secret-value-4242'));
    expect(wrapped.message).not.toContain('foreign-secret-value-4242');
    expect(wrapped.stack ?? '').not.toContain('foreign-secret-value-4242');
    expect(new NetopsError(ErrorCode.Internal, 'x'.repeat(100_000)).message.length).toBeLessThan(16_100);
  });
});

describe('config and the boundary', () => {
  let fx: ConfigFixture;
  beforeEach(() => {
    fx = createConfigFixture();
  });
  afterEach(() => fx.remove());

  it('loading a config registers its secrets for every error made afterwards', () => {
    loadConfig(baseEnv(), { path: fx.writeConfig(fx.baseDoc()) });
    expect(boundarySecrets()).toContain(fx.consulToken);
    expect(new NetopsError(ErrorCode.Internal, `echo ${fx.consulToken}`).message).not.toContain(fx.consulToken);
  });

  it('refuses an upstream address with credentials, without quoting it', () => {
    const doc = fx.baseDoc() as { clusters: Array<{ nomad: { address: string } }> };
    doc.clusters[0]!.nomad.address = 'http://admin:pw-in-url-77@127.0.0.1:4646';
    const err = catchConfigError(() => loadConfig(baseEnv(), { path: fx.writeConfig(doc) }));
    expect(err.problems.join('\n')).toMatch(/clusters\[0\]\.nomad\.address.*must not carry credentials/);
    expect(err.message).not.toContain('pw-in-url-77');
  });
});

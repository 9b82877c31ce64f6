import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSlackWebClient } from '../../src/chat/slack/slack-notifier.js';
import { createConsulClient } from '../../src/clients/consul/client.js';
import { createNomadClient } from '../../src/clients/nomad/client.js';
import { ErrorCode, type NetopsError } from '../../src/errors.js';
import { createSilentLogger } from '../../src/logging.js';
import { setBoundarySecrets } from '../../src/redaction.js';
import { type HostileUpstream, startHostileUpstream } from './hostile-upstream.js';

/**
 * Nomad and Consul clients against a hostile upstream (issue 17 items 1 and 6): echoed tokens never reach an
 * error's message, userMessage or body; a dripping body ends at the overall deadline, an endless one at the
 * size cap; a large wrong-shaped answer gives a short summary.
 */

const NOMAD_TOKEN = 'nomad-token-3f1c9a7e-5b2d-4c11-9e0f-aa11bb22cc33';
const CONSUL_TOKEN = 'consul-token-77aa0e4b-1d2c-4e5f-8a9b-0c1d2e3f4a5b';
const OTHER_SECRET = 'xoxb-000000000000-111111111111-tenantsecretvalue';

let up: HostileUpstream;
beforeAll(async () => {
  up = await startHostileUpstream();
  // Only the other secret is registered: the tokens must be masked because they were sent, not configured.
  setBoundarySecrets([OTHER_SECRET]);
});
afterAll(() => up.close());
afterEach(() => {
  up.mode = 'echo';
  up.echoExtra = '';
});

const nomad = (opts: { timeoutMs?: number; maxResponseBytes?: number } = {}) =>
  createNomadClient({
    address: up.url,
    token: NOMAD_TOKEN,
    timeoutMs: opts.timeoutMs ?? 2_000,
    ...(opts.maxResponseBytes ? { maxResponseBytes: opts.maxResponseBytes } : {}),
    logger: createSilentLogger(),
    readRetry: { attempts: 1, baseDelayMs: 1 },
  });
const consul = (opts: { timeoutMs?: number; maxResponseBytes?: number } = {}) =>
  createConsulClient({
    address: up.url,
    datacenter: 'dc1',
    token: CONSUL_TOKEN,
    timeoutMs: opts.timeoutMs ?? 2_000,
    ...(opts.maxResponseBytes ? { maxResponseBytes: opts.maxResponseBytes } : {}),
    logger: createSilentLogger(),
  });

async function failure(p: Promise<unknown>): Promise<NetopsError> {
  try {
    await p;
  } catch (err) {
    return err as NetopsError;
  }
  throw new Error('expected a rejection');
}

/** Every text an error carries downstream: message, userMessage, body, stack. */
function textsOf(err: NetopsError): string {
  const e = err as NetopsError & { body?: string };
  return [e.message, e.userMessage ?? '', e.body ?? '', e.stack ?? ''].join('\n');
}

describe('hostile upstream: echoed secrets', () => {
  for (const status of [500, 403, 404]) {
    it(`Nomad HTTP ${status} echoing the sent token and a configured secret: both masked`, async () => {
      up.echoStatus = status;
      up.echoExtra = `also ${OTHER_SECRET} and http://admin:hunter2pass@10.0.0.1:4646/v1`;
      const err = await failure(nomad().listJobs());
      const text = textsOf(err);
      expect(text).toContain('[REDACTED]');
      expect(text).not.toContain(NOMAD_TOKEN);
      expect(text).not.toContain(OTHER_SECRET);
      expect(text).not.toContain('hunter2pass');
    });
    it(`Consul HTTP ${status} echoing the sent token and a configured secret: both masked`, async () => {
      up.echoStatus = status;
      up.echoExtra = `also ${OTHER_SECRET}`;
      const err = await failure(consul().members());
      const text = textsOf(err);
      expect(text).toContain('[REDACTED]');
      expect(text).not.toContain(CONSUL_TOKEN);
      expect(text).not.toContain(OTHER_SECRET);
    });
  }
});

describe('hostile upstream: deadlines and caps', () => {
  it('a dripping Nomad body ends at the overall deadline (undici per-chunk timeouts never fire)', async () => {
    up.mode = 'drip';
    up.dripMs = 50;
    const err = await failure(nomad({ timeoutMs: 600 }).listJobs());
    expect(err.code).toBe(ErrorCode.Timeout);
  });
  it('a dripping Consul body ends at the deadline (papi absolute timeout)', async () => {
    up.mode = 'drip';
    up.dripMs = 50;
    const err = await failure(consul({ timeoutMs: 600 }).members());
    expect(err.code).toBe(ErrorCode.Timeout);
  });
  it('an endless Nomad body is cut at the size cap', async () => {
    up.mode = 'flood';
    const err = await failure(nomad({ maxResponseBytes: 1024 * 1024, timeoutMs: 20_000 }).listJobs());
    expect(err.code).toBe(ErrorCode.UpstreamHttp);
    expect(err.userMessage).toContain('sent more than 1048576 bytes');
  });
  it('an endless Consul body is cut at the size cap', async () => {
    up.mode = 'flood';
    const err = await failure(consul({ maxResponseBytes: 1024 * 1024, timeoutMs: 20_000 }).members());
    expect(err.code).toBe(ErrorCode.UpstreamHttp);
    expect(err.userMessage).toContain('sent more than 1048576 bytes');
  });
  it('a large wrong-shaped Nomad answer fails with a short summary that quotes no token', async () => {
    up.mode = 'wrongShape';
    up.wrongShapeItems = 20_000;
    const err = await failure(nomad().listJobs());
    expect(err.code).toBe(ErrorCode.UpstreamHttp);
    expect(err.message).toMatch(/unexpected response shape: .*\(\+\d+ more issues\)/);
    expect(err.message.length).toBeLessThan(600);
    expect(textsOf(err)).not.toContain(NOMAD_TOKEN);
  });
  it('a large wrong-shaped Consul answer fails with a short summary', async () => {
    up.mode = 'wrongShape';
    up.wrongShapeItems = 20_000;
    const err = await failure(consul().members());
    expect(err.code).toBe(ErrorCode.UpstreamHttp);
    expect(err.message.length).toBeLessThan(600);
    expect(textsOf(err)).not.toContain(CONSUL_TOKEN);
  });
});

describe('hostile upstream: the Slack Web API client', () => {
  const slack = (timeoutMs = 2_000) =>
    createSlackWebClient({ token: 'xoxb-1111-2222-hostiletokenvalue', slackApiUrl: `${up.url}/api/`, timeoutMs });
  const chain = (err: unknown): string => {
    const parts: string[] = [];
    for (let e = err as { message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e)
      parts.push(String(e.message));
    return parts.join(' <- ');
  };
  it('an endless body is cut at the cap', async () => {
    up.mode = 'flood';
    const err = await failure(slack(30_000).auth.test());
    expect(chain(err)).toContain('larger than');
  });
  it('a dripping body ends at the client timeout', async () => {
    up.mode = 'drip';
    up.dripMs = 50;
    const err = await failure(slack(600).auth.test());
    expect(chain(err)).toMatch(/abort|timeout|timed out/i);
  });
});

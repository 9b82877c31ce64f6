import { afterEach, describe, expect, it } from 'vitest';
import { createNomadClient } from '../../../../src/clients/nomad/client.js';
import { ErrorCode, type NetopsError } from '../../../../src/errors.js';
import { createSilentLogger } from '../../../../src/logging.js';
import { findClosedPort, type HttpStub, type StubAnswer, startHttpStub } from '../http-stub.js';
import { parsedJob } from './fixtures.js';

let stub: HttpStub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

const fastRetry = { attempts: 3, baseDelayMs: 5 };

async function setup(answer: () => StubAnswer, timeoutMs = 2000) {
  stub = await startHttpStub(answer);
  const client = createNomadClient({
    address: stub.url,
    timeoutMs,
    logger: createSilentLogger(),
    readRetry: fastRetry,
  });
  return { client, stub };
}

async function catchError(p: Promise<unknown>): Promise<NetopsError> {
  try {
    await p;
  } catch (err) {
    return err as NetopsError;
  }
  throw new Error('expected a rejection');
}

describe('nomad error mapping', () => {
  it('maps a 400 parse error to UpstreamHttpError carrying the plain text', async () => {
    const text = 'Failed to parse job: input.hcl:3,1-1: Argument or block definition required';
    const { client } = await setup(() => ({ status: 400, text }));
    const err = await catchError(client.parseJob('job {'));
    expect(err.code).toBe(ErrorCode.UpstreamHttp);
    expect(err).toMatchObject({ requestName: 'nomad.jobs.parse', status: 400, body: text, retryable: false });
    expect(err.userMessage).toContain('Argument or block definition required');
  });

  it('keeps the 500 multierror text of a job validation failure for the user', async () => {
    const text = '1 error occurred:\n\t* Task group web validation failed: Task web has no driver\n';
    const { client } = await setup(() => ({ status: 500, text }));
    const err = await catchError(client.planJob({ ID: 'web' }));
    expect(err).toMatchObject({ code: ErrorCode.UpstreamHttp, status: 500, body: text.trim() });
    expect(err.userMessage).toContain('Task web has no driver');
  });

  it('maps a dropped connection (reset) to UpstreamUnreachable and retries reads', async () => {
    const { client, stub } = await setup(() => ({ destroy: true }));
    const err = await catchError(client.readJob('web'));
    expect(err.code).toBe(ErrorCode.UpstreamUnreachable);
    expect(err.userMessage).toMatch(
      /^Nomad at http:\/\/127\.0\.0\.1:\d+ is unreachable \((ECONNRESET|UND_ERR_SOCKET)\)$/,
    );
    expect(stub.requests).toHaveLength(3);
  });

  it('maps 404 to NotFound', async () => {
    const { client } = await setup(() => ({ status: 404, text: 'job not found' }));
    const err = await catchError(client.readJob('nope'));
    expect(err.code).toBe(ErrorCode.NotFound);
    expect(err.userMessage).toContain('job not found');
  });

  it('maps the EnforceIndex 500 texts to Conflict with Nomad text in the user message', async () => {
    const text = 'Enforcing job modify index 1187: job exists with conflicting job modify index: 1201';
    const { client, stub } = await setup(() => ({ status: 500, text }));
    const err = await catchError(client.registerJob({ ID: 'web' }, { enforceIndex: true, jobModifyIndex: 1187 }));
    expect(err.code).toBe(ErrorCode.Conflict);
    expect(err.userMessage).toContain('changed since the plan');
    expect(err.userMessage).toContain(text);
    expect(stub.requests).toHaveLength(1);
  });

  it('says "already exists" for a create-only conflict', async () => {
    const { client } = await setup(() => ({ status: 500, text: 'Enforcing job modify index 0: job already exists' }));
    const err = await catchError(client.registerJob({ ID: 'web' }, { enforceIndex: true, jobModifyIndex: 0 }));
    expect(err.code).toBe(ErrorCode.Conflict);
    expect(err.userMessage).toMatch(/already exists/);
  });

  it('maps 403 Permission denied with a hint about the token', async () => {
    const { client } = await setup(() => ({ status: 403, text: 'Permission denied' }));
    const err = await catchError(client.listNodes());
    expect(err).toMatchObject({ code: ErrorCode.UpstreamHttp, status: 403 });
    expect(err.userMessage).toMatch(/Permission denied.*token/);
  });

  it('retries reads on 500 up to 3 attempts, then fails', async () => {
    const { client, stub } = await setup(() => ({ status: 500, text: 'rpc error: No cluster leader' }));
    const err = await catchError(client.readJob('web'));
    expect(err.code).toBe(ErrorCode.UpstreamHttp);
    expect(err.retryable).toBe(true);
    expect(stub.requests).toHaveLength(3);
  });

  it('a read that fails once then succeeds resolves', async () => {
    let n = 0;
    const { client, stub } = await setup(() => (n++ === 0 ? { status: 503, text: 'busy' } : { body: parsedJob }));
    await expect(client.readJob('web')).resolves.toMatchObject({ ID: 'web' });
    expect(stub.requests).toHaveLength(2);
  });

  it('never retries writes, even on 500', async () => {
    const { client, stub } = await setup(() => ({ status: 500, text: 'rpc error: No cluster leader' }));
    await catchError(client.registerJob({ ID: 'web' }));
    await catchError(client.stopJob('web'));
    await catchError(client.planJob({ ID: 'web' }));
    expect(stub.requests).toHaveLength(3);
  });

  it('does not retry 4xx reads', async () => {
    const { client, stub } = await setup(() => ({ status: 404, text: 'alloc not found' }));
    await catchError(client.readAllocation('x'));
    expect(stub.requests).toHaveLength(1);
  });

  it('maps connection refused to UpstreamUnreachable with the address', async () => {
    const port = await findClosedPort();
    const address = `http://127.0.0.1:${port}`;
    const client = createNomadClient({ address, timeoutMs: 1000, logger: createSilentLogger(), readRetry: fastRetry });
    const err = await catchError(client.listNodes());
    expect(err.code).toBe(ErrorCode.UpstreamUnreachable);
    expect(err.retryable).toBe(true);
    expect(err.userMessage).toBe(`Nomad at ${address} is unreachable (ECONNREFUSED)`);
  });

  it('maps a slow answer to TimeoutError', async () => {
    const { client, stub } = await setup(() => ({ body: parsedJob, delayMs: 1500 }), 200);
    const err = await catchError(client.planJob({ ID: 'web' }));
    expect(err.code).toBe(ErrorCode.Timeout);
    expect(stub.requests).toHaveLength(1);
  });

  it('rejects with CancelledError when the signal aborts, without retrying', async () => {
    // Aborted once the request has arrived (a fixed 50 ms raced the first connection on a loaded machine).
    const ac = new AbortController();
    const { client, stub } = await setup(() => {
      setTimeout(() => ac.abort(), 20);
      return { body: parsedJob, delayMs: 1500 };
    });
    const err = await catchError(client.readJob('web', { signal: ac.signal }));
    expect(err.code).toBe(ErrorCode.Cancelled);
    expect(stub.requests).toHaveLength(1);
  });

  it('rejects a response that does not match the documented shape', async () => {
    const { client } = await setup(() => ({ body: { Nope: true } }));
    const err = await catchError(client.registerJob({ ID: 'web' }));
    expect(err.code).toBe(ErrorCode.UpstreamHttp);
    expect(err.message).toContain('unexpected response shape');
  });
});

import { execFileSync } from 'node:child_process';
import type { Client } from 'ssh2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectSsh } from '../../../../src/clients/ssh/connect.js';
import { createSshPool } from '../../../../src/clients/ssh/connection-pool.js';
import { joinShellLine } from '../../../../src/clients/ssh/quote.js';
import type { SshCommand, SshPool, SshPoolOptions } from '../../../../src/clients/ssh/types.js';
import { ErrorCode, type NetopsError } from '../../../../src/errors.js';
import { createSilentLogger } from '../../../../src/logging.js';
import { generateOtherHostKeyLine, type SshTestServer, startSshTestServer } from '../../../helpers/ssh-test-server.js';

let server: SshTestServer;
const pools: SshPool[] = [];

beforeAll(async () => {
  server = await startSshTestServer();
});
afterAll(async () => {
  await server?.stop();
});
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

// The pool runs any SshCommand; these tests build raw ones to exercise the transport, while argv.test.ts
// covers how templates produce them.
function raw(...argv: string[]): SshCommand {
  return { template: `test.${argv[0]}`, argv, line: joinShellLine(argv) };
}

function makePool(overrides: Partial<SshPoolOptions> = {}, hostKey?: string): SshPool {
  const pool = createSshPool({
    hosts: [
      {
        name: 'u1',
        address: server.host,
        port: server.port,
        user: server.user,
        privateKey: server.clientKey,
        hostKey: hostKey ?? server.hostKeyLine,
      },
    ],
    connectTimeoutMs: 5000,
    commandTimeoutMs: 10_000,
    outputCapBytes: 1 << 20,
    concurrencyPerHost: 4,
    logger: createSilentLogger(),
    ...overrides,
  });
  pools.push(pool);
  return pool;
}

async function catchError(p: Promise<unknown>): Promise<NetopsError> {
  try {
    await p;
  } catch (err) {
    return err as NetopsError;
  }
  throw new Error('expected a rejection');
}

describe('ssh pool against a real sshd', () => {
  it('runs a command and reuses one connection', async () => {
    const pool = makePool();
    const a = await pool.run('u1', raw('echo', 'hello world'));
    const b = await pool.run('u1', raw('printf', '%s|', "it's", '$HOME', 'a b'));
    expect(a).toMatchObject({ code: 0, stdout: 'hello world\n', stderr: '', truncated: false });
    expect(b.stdout).toBe("it's|$HOME|a b|");
    expect(pool.stats().u1).toMatchObject({ connected: true, connects: 1, commands: 2 });
  });

  it('returns a non-zero exit as a value with stderr', async () => {
    const pool = makePool();
    const res = await pool.run('u1', raw('sh', '-c', 'echo out; echo "no such container: x" >&2; exit 3'));
    expect(res.code).toBe(3);
    expect(res.stdout).toBe('out\n');
    expect(res.stderr).toBe('no such container: x\n');
  });

  it('times out a long command, kills it, and keeps the connection usable', async () => {
    const pool = makePool();
    const err = await catchError(pool.run('u1', raw('sleep', '7'), { timeoutMs: 300 }));
    expect(err.code).toBe(ErrorCode.Timeout);
    expect(err.userMessage).toContain('did not finish within 300 ms');
    const next = await pool.run('u1', raw('echo', 'still here'));
    expect(next.stdout).toBe('still here\n');
    expect(pool.stats().u1!.connects).toBe(1);
  });

  it('cuts output at the cap and marks it truncated', async () => {
    const pool = makePool({ outputCapBytes: 1000 });
    const res = await pool.run('u1', raw('sh', '-c', 'yes 0123456789 | head -c 100000'));
    expect(res.truncated).toBe(true);
    expect(res.stdout.length).toBe(1000);
    expect(res.stdout.startsWith('0123456789\n')).toBe(true);
  });

  it('rejects with CancelledError when aborted, and when aborted while queued', async () => {
    const pool = makePool({ concurrencyPerHost: 1 });
    const ac = new AbortController();
    const running = pool.run('u1', raw('sleep', '7'), { signal: ac.signal });
    const queuedAc = new AbortController();
    const queued = pool.run('u1', raw('true'), { signal: queuedAc.signal });
    await new Promise((r) => setTimeout(r, 200));
    expect(pool.stats().u1!.queued).toBe(1);
    queuedAc.abort();
    expect((await catchError(queued)).code).toBe(ErrorCode.Cancelled);
    ac.abort();
    expect((await catchError(running)).code).toBe(ErrorCode.Cancelled);
    expect((await pool.run('u1', raw('true'))).code).toBe(0);
  });

  it('never runs more than concurrencyPerHost commands at once on a host', async () => {
    const pool = makePool({ concurrencyPerHost: 2 });
    const script = 'echo "$(date +%s%N) start"; sleep 0.4; echo "$(date +%s%N) end"';
    const results = await Promise.all(Array.from({ length: 5 }, () => pool.run('u1', raw('sh', '-c', script))));
    // Overlap measured on the server: sweep over start/end timestamps the remote shells printed.
    const events = results
      .flatMap((r) => r.stdout.trim().split('\n'))
      .map((l) => l.split(' '))
      .map(([ns, kind]) => ({ t: BigInt(ns!), d: kind === 'start' ? 1 : -1 }))
      .sort((x, y) => (x.t === y.t ? x.d - y.d : x.t < y.t ? -1 : 1));
    let now = 0;
    let peak = 0;
    for (const e of events) {
      now += e.d;
      peak = Math.max(peak, now);
    }
    expect(results.every((r) => r.code === 0)).toBe(true);
    expect(peak).toBe(2);
  });

  it('reconnects on the next run after the server restarted', async () => {
    const pool = makePool();
    expect((await pool.run('u1', raw('true'))).code).toBe(0);
    await server.restart();
    // the old connection closes asynchronously; the next run must not use it
    await new Promise((r) => setTimeout(r, 200));
    const res = await pool.run('u1', raw('echo', 'again'));
    expect(res.stdout).toBe('again\n');
    expect(pool.stats().u1!.connects).toBe(2);
  });

  it('rejects an in-flight command with SshConnect when the connection drops', async () => {
    const clients: Client[] = [];
    const pool = makePool({
      connect: async (cfg) => {
        const c = await connectSsh(cfg);
        clients.push(c);
        return c;
      },
    });
    const running = pool.run('u1', raw('sleep', '7'));
    await new Promise((r) => setTimeout(r, 300));
    clients[0]!.destroy();
    const err = await catchError(running);
    expect(err.code).toBe(ErrorCode.SshConnect);
    expect((await pool.run('u1', raw('true'))).code).toBe(0);
    expect(clients).toHaveLength(2);
  });

  it('refuses a changed host key with both fingerprints', async () => {
    const pinned = generateOtherHostKeyLine();
    const pool = makePool({}, pinned);
    const err = await catchError(pool.run('u1', raw('true')));
    expect(err.code).toBe(ErrorCode.SshHostKey);
    const fp = (line: string) =>
      execFileSync('ssh-keygen', ['-l', '-f', '-'], { input: line }).toString().split(' ')[1]!;
    expect(err.userMessage).toBe(
      `host key of u1 (127.0.0.1) changed: expected ${fp(pinned)}, got ${fp(server.hostKeyLine)} — if the host was rebuilt, update hosts[].hostKey`,
    );
    expect(pool.stats().u1!.connected).toBe(false);
  });

  it('refuses to create a pool for a host without a usable pinned key', () => {
    expect(() => makePool({}, '')).toThrow(/no usable pinned host key/);
    expect(() => makePool({}, 'ssh-ed25519 not-base64!')).toThrow(/no usable pinned host key/);
  });

  it('rejects unknown hosts and runs after close', async () => {
    const pool = makePool();
    expect((await catchError(pool.run('u9', raw('true')))).code).toBe(ErrorCode.Usage);
    await pool.close();
    expect((await catchError(pool.run('u1', raw('true')))).code).toBe(ErrorCode.Cancelled);
  });

  it('maps connection refused to SshConnect', async () => {
    const pool = createSshPool({
      hosts: [
        {
          name: 'u2',
          address: '127.0.0.1',
          port: 1,
          user: 'root',
          privateKey: server.clientKey,
          hostKey: server.hostKeyLine,
        },
      ],
      connectTimeoutMs: 2000,
      commandTimeoutMs: 1000,
      outputCapBytes: 1000,
      concurrencyPerHost: 1,
      logger: createSilentLogger(),
    });
    pools.push(pool);
    const err = await catchError(pool.run('u2', raw('true')));
    expect(err.code).toBe(ErrorCode.SshConnect);
    expect(err.userMessage).toContain('ECONNREFUSED');
  });
});

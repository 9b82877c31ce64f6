import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsulClient } from '../../../../src/clients/consul/client.js';
import { createSshPool } from '../../../../src/clients/ssh/connection-pool.js';
import type { SshPool } from '../../../../src/clients/ssh/types.js';
import { ErrorCode, type NetopsError } from '../../../../src/errors.js';
import { createSilentLogger } from '../../../../src/logging.js';
import { type SshTestServer, startSshTestServer } from '../../../helpers/ssh-test-server.js';
import { findClosedPort, type HttpStub, startHttpStub } from '../http-stub.js';

// A real sshd on loopback and a Consul stand-in on loopback: the agent is reachable only "on the host", and the
// client reaches it through direct-tcpip channels of the pooled SSH connection, as with `consul.access: ssh`.

let open: SshTestServer;
let closed: SshTestServer;
let stub: HttpStub;
const pools: SshPool[] = [];

beforeAll(async () => {
  open = await startSshTestServer();
  closed = await startSshTestServer({ extraConfig: ['AllowTcpForwarding no'] });
  stub = await startHttpStub((req) =>
    req.path === '/v1/agent/self'
      ? { body: { Config: { Datacenter: 'dc1', NodeName: 'u1', Version: '1.19.2' }, Member: null } }
      : { status: 404, text: 'nope' },
  );
}, 30_000);
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
  await Promise.all([open?.stop(), closed?.stop(), stub?.close()]);
});

function poolFor(server: SshTestServer): SshPool {
  const pool = createSshPool({
    hosts: [
      {
        name: 'u1',
        address: server.host,
        port: server.port,
        user: server.user,
        privateKey: server.clientKey,
        hostKey: server.hostKeyLine,
      },
    ],
    connectTimeoutMs: 5000,
    commandTimeoutMs: 10_000,
    outputCapBytes: 1 << 20,
    concurrencyPerHost: 2,
    logger: createSilentLogger(),
  });
  pools.push(pool);
  return pool;
}

function clientVia(pool: SshPool, port: number) {
  return createConsulClient({
    address: `http://127.0.0.1:${port}`,
    label: `http://127.0.0.1:${port} on u1 (via SSH)`,
    connect: () => pool.forwardOut('u1', '127.0.0.1', port),
    timeoutMs: 5000,
    logger: createSilentLogger(),
  });
}

describe('Consul HTTP through the host SSH connection', () => {
  it('answers several calls over one SSH connection, without taking command slots', async () => {
    const pool = poolFor(open);
    const client = clientVia(pool, stub.port);
    const before = stub.requests.length;
    const answers = await Promise.all([1, 2, 3, 4].map(() => client.agentSelf()));
    for (const a of answers) expect(a.Config.NodeName).toBe('u1');
    expect(stub.requests.length - before).toBe(4);
    expect(pool.stats().u1).toMatchObject({ connects: 1, commands: 0, active: 0 });
    // No ?dc= when no datacenter is configured: the agent's own datacenter, as Consul defaults.
    expect(stub.requests.at(-1)?.query.has('dc')).toBe(false);
  });

  it('a port nothing listens on is unreachable, naming the host', async () => {
    const client = clientVia(poolFor(open), await findClosedPort());
    const err = (await client.agentSelf().catch((e: unknown) => e)) as NetopsError;
    expect(err.code).toBe(ErrorCode.UpstreamUnreachable);
    expect(err.userMessage).toMatch(/on u1 .*ECONNREFUSED/);
  });

  it('an sshd that refuses forwarding says what to change', async () => {
    const client = clientVia(poolFor(closed), stub.port);
    const err = (await client.agentSelf().catch((e: unknown) => e)) as NetopsError;
    expect(err.code).toBe(ErrorCode.UpstreamUnreachable);
    expect(err.userMessage).toMatch(/AllowTcpForwarding yes/);
  });
});

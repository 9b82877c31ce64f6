import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCommand } from '../../../../src/clients/ssh/argv.js';
import { createSshPool } from '../../../../src/clients/ssh/connection-pool.js';
import '../../../../src/clients/ssh/templates.js';
import { createSilentLogger } from '../../../../src/logging.js';
import { type SshTestServer, startSshTestServer } from '../../../helpers/ssh-test-server.js';

// Hosts configured with `agent: true` authenticate through ssh-agent (SSH_AUTH_SOCK) instead of a key file.
describe('ssh pool with ssh-agent authentication', () => {
  let server: SshTestServer;
  let dir: string;
  let socket: string;
  let agentPid: number | undefined;

  beforeAll(async () => {
    server = await startSshTestServer();
    dir = mkdtempSync(join(tmpdir(), 'netops-agent-'));
    socket = join(dir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    agentPid = agent.pid;
    for (let i = 0; i < 50; i++) {
      try {
        execFileSync('ssh-add', ['-l'], { env: { SSH_AUTH_SOCK: socket }, stdio: 'ignore' });
        break;
      } catch (err) {
        // exit 1 = agent up but empty; 2 = not reachable yet
        if ((err as { status?: number }).status === 1) break;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const keyFile = join(dir, 'id');
    writeFileSync(keyFile, server.clientKey);
    chmodSync(keyFile, 0o600);
    execFileSync('ssh-add', [keyFile], { env: { SSH_AUTH_SOCK: socket }, stdio: 'ignore' });
  });

  afterAll(async () => {
    if (agentPid) process.kill(agentPid);
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs a command with the key held by the agent', async () => {
    const pool = createSshPool({
      hosts: [
        {
          name: 'h',
          address: server.host,
          port: server.port,
          user: server.user,
          hostKey: server.hostKeyLine,
          agent: socket,
        },
      ],
      connectTimeoutMs: 5_000,
      commandTimeoutMs: 5_000,
      outputCapBytes: 65_536,
      concurrencyPerHost: 2,
      logger: createSilentLogger(),
    });
    try {
      const res = await pool.run('h', buildCommand('which', { tool: 'sh' }));
      expect(res.code).toBe(0);
      expect(res.stdout).toMatch(/\/sh\n$/);
    } finally {
      await pool.close();
    }
  });
});

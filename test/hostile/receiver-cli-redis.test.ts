import { createServer, type Server, type Socket } from 'node:net';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../src/queue/embedded-redis.js';
import { runCli } from '../helpers/run-cli.js';

// A Redis that accepts connections and never answers (a firewall black hole, a hung server).
let silent: Server;
let silentPort: number;
const sockets: Socket[] = [];
beforeAll(async () => {
  silentPort = await findFreePort();
  silent = createServer((s) => sockets.push(s));
  await new Promise<void>((r) => silent.listen(silentPort, '127.0.0.1', () => r()));
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => silent.close(r));
});

const CONFIG = resolve('config/netops.example.yaml');
const tally: Record<string, number> = {};
afterAll(() => console.log(`hostile CLI redis: ${JSON.stringify(tally)}`));

describe('hostile CLI: Redis unreachable (family "cli")', () => {
  it.each([
    ['refused', async () => `redis://user:cli-secret@127.0.0.1:${await findFreePort()}`, /ECONNREFUSED/],
    ['silent', async () => `redis://127.0.0.1:${silentPort}`, /no answer within 3 s/],
  ] as const)(
    'cli: Redis %s: says so on stderr and exits 1, never hangs',
    async (family, url, reason) => {
      for (const args of [
        ['--config', CONFIG, 'status'],
        ['--config', CONFIG, 'audit', 'export'],
      ]) {
        const res = await runCli(args, { env: { REDIS_URL: await url() }, timeoutMs: 50_000 });
        expect(res.code).toBe(1);
        expect(res.stderr).toMatch(/Redis at redis:\/\/127\.0\.0\.1:\d+\/? is unreachable/);
        expect(res.stderr).toMatch(reason);
        expect(`${res.stdout}${res.stderr}`).not.toContain('cli-secret');
      }
      tally[family] = (tally[family] ?? 0) + 2;
    },
    120_000,
  );
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EmbeddedRedis, startEmbeddedRedis } from '../../src/queue/embedded-redis.js';

/** A private redis-server on a free loopback port for one test file; never the machine's shared 6379. */
export async function startTestRedis(): Promise<EmbeddedRedis & { dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'netops-redis-'));
  const redis = await startEmbeddedRedis({ dataDir });
  return {
    ...redis,
    dataDir,
    stop: async () => {
      await redis.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Restarts a server on the same port and data folder (append-only file kept): for outage tests. */
export async function restartTestRedis(redis: { port: number; dataDir: string }): Promise<EmbeddedRedis> {
  return startEmbeddedRedis({ dataDir: redis.dataDir, port: redis.port });
}

import type { Redis } from 'ioredis';

const runKey = (prefix: string, runId: string) => `${prefix}:bench:run:${runId}`;

/**
 * Marks a bench run as alive with a TTL key refreshed every third of the TTL; the sweep at the start of other
 * runs removes containers of runs whose key expired (their worker crashed). Returns the stop function.
 */
export async function keepRunAlive(
  redis: Redis,
  runId: string,
  ttlMs = 15_000,
  prefix = 'netops',
): Promise<() => Promise<void>> {
  const key = runKey(prefix, runId);
  await redis.set(key, '1', 'PX', ttlMs);
  const timer = setInterval(() => void redis.pexpire(key, ttlMs).catch(() => {}), Math.max(100, Math.floor(ttlMs / 3)));
  timer.unref();
  return async () => {
    clearInterval(timer);
    await redis.del(key).catch(() => 0);
  };
}

/** Whether a bench run still has a live worker. */
export async function isRunAlive(redis: Redis, runId: string, prefix = 'netops'): Promise<boolean> {
  return (await redis.exists(runKey(prefix, runId))) === 1;
}

import { Redis, type RedisOptions } from 'ioredis';

/**
 * Redis connections for the two roles. Producers fail fast (no offline queue, one retry) so the chat side can
 * answer "queue unavailable" at once; workers wait for Redis forever, as BullMQ requires.
 */
export function createRedisConnection(url: string, role: 'producer' | 'worker' | 'subscriber'): Redis {
  const common: RedisOptions = { lazyConnect: false, noDelay: true, connectionName: `netops-${role}` };
  if (role === 'producer') {
    return new Redis(url, {
      ...common,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2_000,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
    });
  }
  return new Redis(url, {
    ...common,
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(times * 200, 5_000),
  });
}

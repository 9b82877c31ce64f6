import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * A Lua script sent as EVALSHA, with its text only when Redis answers NOSCRIPT (fresh or flushed): one copy of
 * that fallback for every script whose caller sends nothing behind it before the reply, so the retry's extra round
 * trip reorders nothing. (The job store's create is not one of them: it is pipelined with the job add.)
 */
export function cachedScript(text: string) {
  const sha = createHash('sha1').update(text).digest('hex');
  return async function run(redis: Redis, keys: readonly string[], argv: readonly string[]): Promise<unknown> {
    try {
      return await redis.evalsha(sha, keys.length, ...keys, ...argv);
    } catch (err) {
      if (!String((err as Error).message).includes('NOSCRIPT')) throw err;
      return redis.eval(text, keys.length, ...keys, ...argv);
    }
  };
}

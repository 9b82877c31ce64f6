import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { CancelledError } from '../errors.js';

/** A held host-pair lock. */
export interface HeldBenchLock {
  /** False once a refresh found the lock gone (Redis lost it or its TTL ran out while the worker hung). */
  readonly held: boolean;
  release(): Promise<void>;
}

/** Options of {@link acquireHostPairLock}. */
export interface HostPairLockOptions {
  redis: Redis;
  hosts: readonly [string, string];
  /** Who waits (the job ID); also the member of the waiting line. */
  holder: string;
  signal: AbortSignal;
  /** Called when the number of benchmarks ahead changes; null once the lock is held. */
  onPosition(position: number | null): Promise<void> | void;
  /** Lock and waiter lifetime without a refresh: a crashed worker frees the pair after this. @defaultValue 15000 */
  ttlMs?: number;
  /** @defaultValue 500 */
  pollMs?: number;
  /** @defaultValue 'netops' */
  prefix?: string;
}

const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
const REFRESH =
  "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";

/** Redis key of the lock of a host pair (order-independent). */
export function hostPairLockKey(hosts: readonly [string, string], prefix = 'netops'): string {
  return `${prefix}:bench:lock:${[...hosts].sort().join('+')}`;
}

/**
 * One benchmark per host pair at a time. Waiters queue in arrival order (a sorted set) and report how many
 * benchmarks are ahead of them; each waiter and the holder keep a key alive with a TTL they refresh, so a
 * crashed worker neither blocks the pair nor keeps its place in line for longer than `ttlMs`.
 */
export async function acquireHostPairLock(opts: HostPairLockOptions): Promise<HeldBenchLock> {
  const ttlMs = opts.ttlMs ?? 15_000;
  const pollMs = opts.pollMs ?? 500;
  const key = hostPairLockKey(opts.hosts, opts.prefix);
  const line = `${key}:line`;
  const aliveKey = (member: string) => `${key}:waiter:${member}`;
  const token = `${opts.holder}:${randomBytes(6).toString('hex')}`;
  const { redis } = opts;

  await redis.set(aliveKey(opts.holder), '1', 'PX', ttlMs);
  await redis.zadd(line, 'NX', Date.now(), opts.holder);
  let lastPosition: number | null | undefined;
  try {
    for (;;) {
      if (opts.signal.aborted) throw new CancelledError('cancelled while waiting for the host pair');
      await redis.pexpire(aliveKey(opts.holder), ttlMs);
      await dropDeadWaiters(redis, line, aliveKey);
      const rank = await redis.zrank(line, opts.holder);
      if (rank === null) await redis.zadd(line, 'NX', Date.now(), opts.holder);
      if (rank === 0 && (await redis.set(key, token, 'PX', ttlMs, 'NX')) === 'OK') break;
      const ahead = (rank ?? 0) + ((await redis.exists(key)) ? 1 : 0);
      if (ahead !== lastPosition) {
        lastPosition = ahead;
        await opts.onPosition(ahead);
      }
      await sleep(pollMs, opts.signal);
    }
  } finally {
    await redis.zrem(line, opts.holder);
    await redis.del(aliveKey(opts.holder));
  }
  if (lastPosition !== undefined) await opts.onPosition(null);

  let held = true;
  const timer = setInterval(
    () => {
      redis.eval(REFRESH, 1, key, token, String(ttlMs)).then(
        (n) => {
          if (n !== 1) held = false;
        },
        () => {},
      );
    },
    Math.max(100, Math.floor(ttlMs / 3)),
  );
  timer.unref();
  return {
    get held() {
      return held;
    },
    async release() {
      clearInterval(timer);
      await redis.eval(RELEASE, 1, key, token);
    },
  };
}

async function dropDeadWaiters(redis: Redis, line: string, aliveKey: (m: string) => string): Promise<void> {
  const members = await redis.zrange(line, '0', '-1');
  for (const m of members) {
    if (!(await redis.exists(aliveKey(m)))) await redis.zrem(line, m);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

import type { Redis } from 'ioredis';
import { DEFAULT_PREFIX } from '../queue/names.js';

/** Who holds a deploy lock or froze a tenant, and since when. */
export interface LockHolder {
  by: string;
  since: number;
  jobId?: string;
  reason?: string;
}

// Deletes the lock only if this job still holds it, so a late release never frees someone else's lock.
const RELEASE_SCRIPT = `
local v = redis.call('GET', KEYS[1])
if v and cjson.decode(v).jobId == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * Concurrency guards for writes: one deploy (or stop) per Nomad job at a time (the job id is `<job>-<tenant>`),
 * and tenant freezes set by `/lock` that make every write in the tenant refuse.
 */
export function createLockStore(redis: Redis, opts: { prefix?: string; now?: () => number } = {}) {
  const prefix = opts.prefix ?? DEFAULT_PREFIX;
  const now = opts.now ?? Date.now;
  const deployKey = (nomadJobId: string) => `${prefix}:deploy-lock:${nomadJobId}`;
  const tenantKey = (tenant: string) => `${prefix}:tenant-lock:${tenant}`;

  return {
    /** Takes the deploy lock of a Nomad job, or says who holds it. The TTL frees it if the worker dies. */
    async acquireDeploy(
      nomadJobId: string,
      holder: { by: string; jobId: string },
      ttlMs = 20 * 60_000,
    ): Promise<{ ok: true } | { ok: false; holder: LockHolder }> {
      const value: LockHolder = { ...holder, since: now() };
      const set = await redis.set(deployKey(nomadJobId), JSON.stringify(value), 'PX', ttlMs, 'NX');
      if (set === 'OK') return { ok: true };
      const current = await redis.get(deployKey(nomadJobId));
      const held = current ? (JSON.parse(current) as LockHolder) : undefined;
      // The same job resumed on another worker (its first worker died holding the lock): it takes it back.
      if (held?.jobId === holder.jobId) {
        await redis.set(deployKey(nomadJobId), JSON.stringify({ ...value, since: held.since }), 'PX', ttlMs);
        return { ok: true };
      }
      return { ok: false, holder: held ?? { by: '?', since: now() } };
    },
    async releaseDeploy(nomadJobId: string, jobId: string): Promise<void> {
      await redis.eval(RELEASE_SCRIPT, 1, deployKey(nomadJobId), jobId);
    },
    /** Freezes a tenant's writes; when already frozen, returns the existing freeze unchanged. */
    async freezeTenant(tenant: string, by: string, reason?: string): Promise<{ created: boolean; holder: LockHolder }> {
      const value: LockHolder = { by, since: now(), ...(reason ? { reason } : {}) };
      const set = await redis.set(tenantKey(tenant), JSON.stringify(value), 'NX');
      if (set === 'OK') return { created: true, holder: value };
      return { created: false, holder: (await this.tenantFreeze(tenant)) ?? value };
    },
    async tenantFreeze(tenant: string): Promise<LockHolder | undefined> {
      const v = await redis.get(tenantKey(tenant));
      return v ? (JSON.parse(v) as LockHolder) : undefined;
    },
    /** Lifts a freeze; returns the one removed, if any. */
    async unfreezeTenant(tenant: string): Promise<LockHolder | undefined> {
      const v = await redis.getdel(tenantKey(tenant));
      return v ? (JSON.parse(v) as LockHolder) : undefined;
    },
  };
}

export type LockStore = ReturnType<typeof createLockStore>;

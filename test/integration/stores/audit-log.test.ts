import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerAudit } from '../../../src/access/access-commands.js';
import { createSilentLogger } from '../../../src/logging.js';
import { exportAudit, parseSinceMs } from '../../../src/main/cli-access.js';
import { createAuditLog } from '../../../src/stores/audit-log.js';
import { AUDIT_TEXT_MAX } from '../../../src/stores/audit-record.js';
import { startTestRedis } from '../../helpers/redis-server.js';

let redis: Awaited<ReturnType<typeof startTestRedis>>;
let conn: Redis;
beforeAll(async () => {
  redis = await startTestRedis();
  conn = new Redis(redis.url);
});
afterAll(async () => {
  conn.disconnect();
  await redis.stop();
});

const DAY_MS = 86_400_000;

describe('audit stream (real redis-server)', () => {
  it('appends in order, filters for /audit newest first, exports JSON Lines since a time', async () => {
    const log = createAuditLog(conn, { prefix: 'a1', maxLen: 1000, retentionDays: 30, logger: createSilentLogger() });
    await log.append({ type: 'command', user: 'U1', command: 'deploy', args: { tenant: 'tenant-b' } });
    await log.append({ type: 'command', user: 'U2', command: 'status' });
    await log.append({ type: 'approval.approved', user: 'U1', approver: 'U3', command: 'deploy' });
    const recent = await log.listRecent({ count: 10, command: 'deploy' });
    expect(recent.map((r) => r.type)).toEqual(['approval.approved', 'command']);
    expect((await log.listRecent({ count: 10, user: 'U3' })).map((r) => r.type)).toEqual(['approval.approved']);
    expect(await log.listRecent({ count: 1 })).toHaveLength(1);
    const lines: string[] = [];
    expect(await exportAudit(log, 0, (l) => lines.push(l))).toBe(3);
    const parsed = lines.map((l) => JSON.parse(l) as { type: string; at: string; id: string; args?: unknown });
    expect(parsed.map((r) => r.type)).toEqual(['command', 'command', 'approval.approved']);
    expect(parsed[0]?.args).toEqual({ tenant: 'tenant-b' });
    expect(Date.parse(parsed[0]?.at ?? '')).toBeGreaterThan(Date.now() - 60_000);
    const none: string[] = [];
    expect(await exportAudit(log, Date.now() + 60_000, (l) => none.push(l))).toBe(0);
  });

  it('caps and validates records when written; /audit and export skip and count malformed ones', async () => {
    const log = createAuditLog(conn, { prefix: 'a3', maxLen: 1000, retentionDays: 30, logger: createSilentLogger() });
    await log.append({ type: 'command', user: 'U1', command: 'status', text: 'x'.repeat(100_000) });
    await log.append({ type: 'command', user: 'U1', command: 'deploy', args: { blob: 'y'.repeat(10_000) } });
    // A wrong-typed field is dropped, the record kept; a malformed type writes nothing.
    await log.append({ type: 'command', user: 'U1', durationMs: 'soon' as unknown as number });
    await log.append({ type: 'NOT A TYPE\nforged' });
    // Records no version of the bot writes: by hand, corrupted, another program.
    await conn.xadd('a3:audit', '*', 'type', 'command', 'data', '{not json');
    await conn.xadd('a3:audit', '*', 'type', 'command', 'data', '["an", "array"]');
    await conn.xadd('a3:audit', '*', 'type', 'command', 'data', JSON.stringify({ type: 'command', user: 42 }));
    await conn.xadd('a3:audit', '*', 'junk', 'only');
    await log.append({ type: 'command', user: 'U2', command: 'status' });

    const lines: string[] = [];
    const stats = { skipped: 0 };
    expect(await exportAudit(log, 0, (l) => lines.push(l), stats)).toBe(4);
    expect(stats.skipped).toBe(4);
    const recs = lines.map(
      (l) => JSON.parse(l) as { text?: string; args?: Record<string, unknown>; durationMs?: unknown },
    );
    expect(recs[0]?.text?.length).toBeLessThanOrEqual(AUDIT_TEXT_MAX + 10);
    expect(recs[1]?.args).toEqual({ note: expect.stringMatching(/not recorded/) });
    expect(recs[2]).not.toHaveProperty('durationMs');
    expect(lines.every((l) => l.length < 3_000)).toBe(true);

    const report = await answerAudit({ auditLog: log, locks: {} as never, audit: async () => {}, tenants: () => [] }, {
      count: 20,
    } as never);
    expect(report.title).toBe('audit: 4 records');
    expect(JSON.stringify(report.blocks)).toContain('4 malformed audit record(s) skipped');
  });

  it('trims records older than the retention (XTRIM MINID) and keeps newer ones', async () => {
    let now = Date.now();
    const log = createAuditLog(conn, {
      prefix: 'a2',
      maxLen: 1000,
      retentionDays: 30,
      logger: createSilentLogger(),
      now: () => now,
    });
    await log.append({ type: 'old' });
    await log.append({ type: 'old' });
    now += 31 * DAY_MS;
    await log.trim();
    // Stream trimming with `~` works on whole nodes; with two records the node is removed exactly.
    expect(await conn.xlen(log.key)).toBe(0);
    now = Date.now();
    await log.append({ type: 'new' });
    await log.trim();
    expect(await conn.xlen(log.key)).toBe(1);
  });

  it('reads --since as an ISO time or a duration back from now', () => {
    const now = Date.parse('2026-11-29T12:00:00Z');
    expect(parseSinceMs(undefined, now)).toBe(0);
    expect(parseSinceMs('2026-11-29T11:00:00Z', now)).toBe(now - 3_600_000);
    expect(parseSinceMs('24h', now)).toBe(now - DAY_MS);
    expect(parseSinceMs('7d', now)).toBe(now - 7 * DAY_MS);
    expect(() => parseSinceMs('yesterday', now)).toThrow(/ISO time .* or a duration/);
  });
});

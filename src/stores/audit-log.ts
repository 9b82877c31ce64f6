import type { Redis } from 'ioredis';
import type { Logger } from '../logging.js';
import { DEFAULT_PREFIX } from '../queue/names.js';
import { type AuditEvent, type AuditRecord, parseAuditRecord, toStorableEvent } from './audit-record.js';

export type { AuditEvent, AuditRecord } from './audit-record.js';

/** Where processors and the chat side write audit events; never throws (the audit must not break a command). */
export type AuditSink = (event: AuditEvent) => Promise<void>;

export interface AuditLogOptions {
  prefix?: string;
  /** Approximate cap on records (XADD MAXLEN ~). */
  maxLen: number;
  /** Records older than this are trimmed (XTRIM MINID ~). */
  retentionDays: number;
  logger: Logger;
  now?: () => number;
}

const TRIM_EVERY = 200;

/** Counts what a reader skipped: records that are not valid audit records (see audit-record.ts). */
export interface AuditReadStats {
  skipped: number;
}

/** The append-only audit trail: one Redis Stream, `<prefix>:audit`. */
export function createAuditLog(redis: Redis, opts: AuditLogOptions) {
  const key = `${opts.prefix ?? DEFAULT_PREFIX}:audit`;
  const now = opts.now ?? Date.now;
  let appends = 0;

  async function trim(): Promise<number> {
    const minId = Math.max(0, now() - opts.retentionDays * 86_400_000);
    return redis.xtrim(key, 'MINID', '~', String(minId));
  }

  /** Trims now and then (every TRIM_EVERY appends), whoever wrote the records. */
  async function countAppended(): Promise<void> {
    if (++appends % TRIM_EVERY === 1) await trim();
  }

  /** The stream entry's fields (`type`, `data`) of an event, or undefined (and logged) when it is malformed. */
  function encode(event: AuditEvent): [type: string, data: string] | undefined {
    const fields = toStorableEvent(event);
    if (!fields) {
      opts.logger.error({ type: String(event.type).slice(0, 80) }, 'malformed audit record not written');
      return undefined;
    }
    return [event.type, JSON.stringify(fields)];
  }

  const append: AuditSink = async (event) => {
    try {
      const entry = encode(event);
      if (!entry) return;
      await redis.xadd(key, 'MAXLEN', '~', String(opts.maxLen), '*', 'type', entry[0], 'data', entry[1]);
      await countAppended();
    } catch (err) {
      opts.logger.error({ err, type: event.type, jobId: event.jobId }, 'audit record not written');
    }
  };

  /**
   * An event appended by a script of its own (the intake's admission script writes the command's record in the
   * same round trip as the claim): counted for the periodic trim, which runs in the background and never throws.
   */
  function appendedByScript(): void {
    countAppended().catch((err) => opts.logger.error({ err }, 'audit trim failed'));
  }

  /** Records from `sinceMs` on, oldest first, in pages (for export). */
  async function* readSince(
    sinceMs = 0,
    pageSize = 500,
    stats: AuditReadStats = { skipped: 0 },
  ): AsyncGenerator<AuditRecord> {
    let start = String(sinceMs);
    for (;;) {
      const page = await redis.xrange(key, start, '+', 'COUNT', pageSize);
      for (const [id, fields] of page) {
        const rec = parseAuditRecord(id, fields);
        if (rec) yield rec;
        else stats.skipped++;
      }
      if (page.length < pageSize) return;
      start = `(${page.at(-1)?.[0]}`;
    }
  }

  /** The newest `count` records matching the filters, newest first (for /audit). */
  async function listRecent(
    filter: { count: number; user?: string; command?: string },
    stats: AuditReadStats = { skipped: 0 },
  ): Promise<AuditRecord[]> {
    const found: AuditRecord[] = [];
    let end = '+';
    while (found.length < filter.count) {
      const page = await redis.xrevrange(key, end, '-', 'COUNT', 500);
      for (const [id, fields] of page) {
        const rec = parseAuditRecord(id, fields);
        if (!rec) {
          stats.skipped++;
          continue;
        }
        if (!matchesFilter(rec, filter)) continue;
        found.push(rec);
        if (found.length >= filter.count) break;
      }
      if (page.length < 500) break;
      end = `(${page.at(-1)?.[0]}`;
    }
    return found;
  }

  return { key, maxLen: opts.maxLen, append, encode, appendedByScript, readSince, listRecent, trim };
}

export type AuditLog = ReturnType<typeof createAuditLog>;

function matchesFilter(rec: AuditRecord, filter: { user?: string; command?: string }): boolean {
  if (filter.user && rec.user !== filter.user && rec.approver !== filter.user) return false;
  return !filter.command || rec.command === filter.command;
}

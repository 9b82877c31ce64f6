import type { Redis } from 'ioredis';
import type { RespondTarget } from '../queue/job-data.js';
import { DEFAULT_PREFIX } from '../queue/names.js';

/**
 * How a job's reply reaches the user: posted and updated in the channel, or (the bot is not a member there)
 * through the command's response URL, or nowhere (neither works: only the job record and `/jobs <id>` have it).
 */
export type DeliveryMode = 'channel' | 'respond' | 'none';

/** What the notify worker remembers about delivering one job's reply, next to the job record. */
export interface DeliveryState {
  mode: DeliveryMode;
  /** Render key of what the reply shows now (nothing new to show when the state still has it). */
  renderedKey?: string;
  /** Lines the reply must carry about its own delivery ("chart could not be posted: …"), each once. */
  notes: string[];
  /** A button press's response URL through which the next render replaces the message holding the button. */
  replaceVia?: RespondTarget;
  /** Detail parts (thread messages, files) by key: posted, or given up on. */
  parts: Record<string, 'done' | 'failed'>;
  /** Values a part keeps between attempts (e.g. an uploaded file not yet shared). */
  saved: Record<string, string>;
  /** The "this reply window is closing" notice went out. */
  warned: boolean;
}

const TTL_S = 7 * 24 * 3600;

// Appends a note unless it is already there, so a failure reported by two attempts shows once.
const NOTE_SCRIPT = `
local notes = cjson.decode(redis.call('HGET', KEYS[1], 'notes') or '[]')
for _, n in ipairs(notes) do if n == ARGV[1] then return 0 end end
table.insert(notes, ARGV[1])
redis.call('HSET', KEYS[1], 'notes', cjson.encode(notes))
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1`;

// A part claim: refused once the part is settled, or while another holder's lease runs.
const CLAIM_SCRIPT = `
if redis.call('HEXISTS', KEYS[1], 'part:' .. ARGV[1]) == 1 then return 0 end
local held = redis.call('HGET', KEYS[1], 'claim:' .. ARGV[1])
if held and (tonumber(ARGV[2]) - tonumber(held)) < tonumber(ARGV[3]) then return 0 end
redis.call('HSET', KEYS[1], 'claim:' .. ARGV[1], ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 1`;

/** Per-job delivery state in Redis (hash `<prefix>:job:<id>:delivery`), shared by every notify worker. */
export function createDeliveryStore(redis: Redis, prefix = DEFAULT_PREFIX) {
  const key = (jobId: string) => `${prefix}:job:${jobId}:delivery`;
  const set = async (jobId: string, fields: Record<string, string>) => {
    await redis.multi().hset(key(jobId), fields).expire(key(jobId), TTL_S).exec();
  };

  return {
    async get(jobId: string): Promise<DeliveryState> {
      return parseState(await redis.hgetall(key(jobId)));
    },
    setMode: (jobId: string, mode: DeliveryMode) => set(jobId, { mode }),
    setRendered: (jobId: string, renderedKey: string) => set(jobId, { rendered: renderedKey }),
    /** Adds a delivery note; false when the reply already carries it. */
    async addNote(jobId: string, note: string): Promise<boolean> {
      return (await redis.eval(NOTE_SCRIPT, 1, key(jobId), note, String(TTL_S))) === 1;
    },
    setReplaceVia: (jobId: string, target: RespondTarget) => set(jobId, { replaceVia: JSON.stringify(target) }),
    async clearReplaceVia(jobId: string): Promise<void> {
      await redis.hdel(key(jobId), 'replaceVia');
    },
    /** True when this caller may post the part now (not settled, nobody else posting within `leaseMs`). */
    async claimPart(jobId: string, part: string, leaseMs: number): Promise<boolean> {
      const now = String(Date.now());
      return (await redis.eval(CLAIM_SCRIPT, 1, key(jobId), part, now, String(leaseMs), String(TTL_S))) === 1;
    },
    async settlePart(jobId: string, part: string, outcome: 'done' | 'failed'): Promise<void> {
      await redis
        .multi()
        .hset(key(jobId), `part:${part}`, outcome)
        .hdel(key(jobId), `claim:${part}`, `saved:${part}`)
        .exec();
    },
    async releasePart(jobId: string, part: string): Promise<void> {
      await redis.hdel(key(jobId), `claim:${part}`);
    },
    savePart: (jobId: string, part: string, value: string) => set(jobId, { [`saved:${part}`]: value }),
    /** Keeps a rate slot this job reserved for later (epoch ms), so it need not queue for one again. */
    holdSlot: (jobId: string, rate: string, atMs: number) => set(jobId, { [`slot:${rate}`]: String(atMs) }),
    async heldSlot(jobId: string, rate: string): Promise<number | undefined> {
      const at = await redis.hget(key(jobId), `slot:${rate}`);
      return at ? Number(at) : undefined;
    },
    async dropSlot(jobId: string, rate: string): Promise<void> {
      await redis.hdel(key(jobId), `slot:${rate}`);
    },
    /** Records that the closing-window notice went out; false when it already had. */
    async markWarned(jobId: string): Promise<boolean> {
      return (await redis.hsetnx(key(jobId), 'warned', '1')) === 1;
    },
  };
}

export type DeliveryStore = ReturnType<typeof createDeliveryStore>;

function parseState(h: Record<string, string>): DeliveryState {
  const parts: DeliveryState['parts'] = {};
  const saved: DeliveryState['saved'] = {};
  for (const [field, value] of Object.entries(h)) {
    if (field.startsWith('part:') && (value === 'done' || value === 'failed')) parts[field.slice(5)] = value;
    if (field.startsWith('saved:')) saved[field.slice(6)] = value;
  }
  const mode = h.mode === 'respond' || h.mode === 'none' ? h.mode : 'channel';
  const replaceVia = parseJson<RespondTarget | undefined>(h.replaceVia, undefined);
  return {
    mode,
    ...(h.rendered ? { renderedKey: h.rendered } : {}),
    notes: parseJson<string[]>(h.notes, []),
    ...(replaceVia ? { replaceVia } : {}),
    parts,
    saved,
    warned: h.warned === '1',
  };
}

function parseJson<T>(text: string | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    // A corrupt field must not stop delivery; the fallback is a safe empty value.
    return fallback;
  }
}

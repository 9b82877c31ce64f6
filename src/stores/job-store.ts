import type { Redis } from 'ioredis';
import type { ReplyTarget } from '../queue/job-data.js';
import { DEFAULT_PREFIX } from '../queue/names.js';
import type { JobState, Report, StatusView } from '../report/model.js';

/** What the bot remembers about one command: its reply target, lifecycle and reply message. */
export interface JobRecord {
  jobId: string;
  queue: string;
  commandName: string;
  commandText: string;
  userId: string;
  channelId?: string;
  reply: ReplyTarget;
  state: JobState;
  step?: string;
  history: string[];
  queuePosition?: number;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  errorText?: string;
  messageChannel?: string;
  messageTs?: string;
  /** Bumped at every saveReport: a changed report (e.g. an approval decided) shows in the reply. */
  reportRev?: number;
}

export interface NewJobRecord {
  jobId: string;
  queue: string;
  commandName: string;
  commandText: string;
  userId: string;
  channelId?: string;
  reply: ReplyTarget;
  createdAt: number;
}

export interface StatePatch {
  state?: JobState;
  step?: string;
  /** Appended to the step history (kept to the last 20). */
  historyEntry?: string;
  queuePosition?: number | null;
  startedAt?: number;
  finishedAt?: number;
  errorText?: string;
}

const TTL_S = 7 * 24 * 3600;
const MAX_HISTORY = 20;

/**
 * Creates the record only if it does not exist yet, so a redelivered request is recognised atomically. A Lua
 * function, so the intake's admission script (queue/admit-request.ts) creates the record in the same script as
 * the claim. `args`: TTL in s, createdAt, job id, then the hash's fields and values. Returns 1 when created.
 */
export const CREATE_RECORD_LUA = `
local function create_record(jobKey, userKey, allKey, args)
  if redis.call('EXISTS', jobKey) == 1 then return 0 end
  redis.call('HSET', jobKey, unpack(args, 4))
  redis.call('EXPIRE', jobKey, args[1])
  redis.call('ZADD', userKey, args[2], args[3])
  redis.call('EXPIRE', userKey, args[1])
  redis.call('ZADD', allKey, args[2], args[3])
  return 1
end
`;

const CREATE_SCRIPT = `${CREATE_RECORD_LUA}
return create_record(KEYS[1], KEYS[2], KEYS[3], ARGV)`;

/** The keys and arguments of create_record for one new record. */
export interface RecordScriptArgs {
  keys: [job: string, userJobs: string, allJobs: string];
  args: string[];
}

/**
 * Job state kept next to BullMQ in Redis. BullMQ owns execution; this store owns what users see (state, step,
 * reply message ts) so that any process (bot, several workers, notify) renders the same thing.
 */
export function createJobStore(redis: Redis, prefix = DEFAULT_PREFIX) {
  const jobKey = (id: string) => `${prefix}:job:${id}`;
  const reportKey = (id: string) => `${prefix}:job:${id}:report`;
  const userKey = (userId: string) => `${prefix}:user-jobs:${userId}`;
  const allKey = `${prefix}:jobs`;
  const eventsChannel = `${prefix}:events`;

  function scriptArgs(rec: NewJobRecord): RecordScriptArgs {
    const fields = flatten({
      jobId: rec.jobId,
      queue: rec.queue,
      commandName: rec.commandName,
      commandText: rec.commandText,
      userId: rec.userId,
      channelId: rec.channelId ?? '',
      reply: JSON.stringify(rec.reply),
      state: 'queued',
      history: '[]',
      createdAt: String(rec.createdAt),
    });
    return {
      keys: [jobKey(rec.jobId), userKey(rec.userId), allKey],
      args: [String(TTL_S), String(rec.createdAt), rec.jobId, ...fields],
    };
  }

  async function create(rec: NewJobRecord): Promise<boolean> {
    const { keys, args } = scriptArgs(rec);
    // EVAL with the script's text, never EVALSHA: a caller may send a BullMQ add right behind this, and an EVALSHA
    // answered NOSCRIPT (a fresh or flushed Redis) would run the script a round trip later, after the add, so a
    // worker could take the job before its record exists (seen in scale-out: 3 of 60 first deliveries were
    // answered "Already received"). Redis caches the compiled script by its body, so only the bytes are extra.
    const created = await redis.eval(CREATE_SCRIPT, keys.length, ...keys, ...args);
    return created === 1;
  }

  async function get(jobId: string): Promise<JobRecord | undefined> {
    const h = await redis.hgetall(jobKey(jobId));
    if (!h.jobId) return undefined;
    return parseRecord(h);
  }

  async function update(jobId: string, patch: StatePatch): Promise<void> {
    const key = jobKey(jobId);
    const fields: Record<string, string> = {};
    if (patch.state) fields.state = patch.state;
    if (patch.step !== undefined) fields.step = patch.step;
    if (patch.startedAt !== undefined) fields.startedAt = String(patch.startedAt);
    if (patch.finishedAt !== undefined) fields.finishedAt = String(patch.finishedAt);
    if (patch.errorText !== undefined) fields.errorText = patch.errorText;
    if (patch.queuePosition !== undefined && patch.queuePosition !== null)
      fields.queuePosition = String(patch.queuePosition);
    if (patch.historyEntry) {
      const current = await redis.hget(key, 'history');
      const history = [...parseJson<string[]>(current, []), patch.historyEntry].slice(-MAX_HISTORY);
      fields.history = JSON.stringify(history);
    }
    const multi = redis.multi();
    if (Object.keys(fields).length > 0) multi.hset(key, fields);
    if (patch.queuePosition === null) multi.hdel(key, 'queuePosition');
    await multi.exec();
  }

  return {
    create,
    /** What the admission script needs to create this record itself (CREATE_RECORD_LUA). */
    scriptArgs,
    get,
    update,
    /** Publishes a change so console front ends and waiting CLIs re-render. */
    async publish(jobId: string): Promise<void> {
      await redis.publish(eventsChannel, jobId);
    },
    eventsChannel,
    async saveReport(jobId: string, report: Report): Promise<void> {
      await redis
        .multi()
        .set(reportKey(jobId), JSON.stringify(report), 'EX', TTL_S)
        .hincrby(jobKey(jobId), 'reportRev', 1)
        .exec();
    },
    async getReport(jobId: string): Promise<Report | undefined> {
      return parseJson<Report | undefined>(await redis.get(reportKey(jobId)), undefined);
    },
    async setMessage(jobId: string, ref: { channel: string; ts: string }): Promise<void> {
      await redis.hset(jobKey(jobId), { messageChannel: ref.channel, messageTs: ref.ts });
    },
    /**
     * Removes every trace of a job that never ran (a Socket Mode command Slack never got the acknowledgement of),
     * so the same request delivered again is new, not a duplicate.
     */
    async forget(jobId: string, userId: string): Promise<void> {
      await redis.multi().del(jobKey(jobId), reportKey(jobId)).zrem(userKey(userId), jobId).zrem(allKey, jobId).exec();
    },
    /** Most recent jobs of a user, newest first. */
    async listForUser(userId: string, limit: number): Promise<JobRecord[]> {
      const ids = await redis.zrevrange(userKey(userId), 0, limit - 1);
      const records = await Promise.all(ids.map(get));
      return records.filter((r): r is JobRecord => r !== undefined);
    },
  };
}

export type JobStore = ReturnType<typeof createJobStore>;

/** The view every renderer works from. */
export function toStatusView(rec: JobRecord): StatusView {
  return {
    jobId: rec.jobId,
    state: rec.state,
    commandText: rec.commandText,
    userId: rec.userId,
    ...(rec.step ? { step: rec.step } : {}),
    history: rec.history,
    ...(rec.queuePosition !== undefined ? { queuePosition: rec.queuePosition } : {}),
    ...(rec.startedAt ? { startedAt: rec.startedAt } : {}),
    ...(rec.finishedAt ? { finishedAt: rec.finishedAt } : {}),
    ...(rec.errorText ? { errorText: rec.errorText } : {}),
  };
}

/** Terminal states: nothing changes after them. */
export function isFinalState(state: JobState): boolean {
  return state === 'succeeded' || state === 'failed' || state === 'cancelled';
}

function flatten(obj: Record<string, string>): string[] {
  return Object.entries(obj).flat();
}

function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    // A corrupt field must not break rendering; the fallback is always a safe empty value.
    return fallback;
  }
}

function parseRecord(h: Record<string, string>): JobRecord {
  const num = (v: string | undefined) => (v ? Number(v) : undefined);
  return {
    jobId: h.jobId ?? '',
    queue: h.queue ?? '',
    commandName: h.commandName ?? '',
    commandText: h.commandText ?? '',
    userId: h.userId ?? '',
    ...(h.channelId ? { channelId: h.channelId } : {}),
    reply: parseJson<ReplyTarget>(h.reply, { kind: 'console' }),
    state: (h.state as JobState) ?? 'queued',
    ...(h.step ? { step: h.step } : {}),
    history: parseJson<string[]>(h.history, []),
    ...(h.queuePosition ? { queuePosition: Number(h.queuePosition) } : {}),
    createdAt: num(h.createdAt) ?? 0,
    ...(h.startedAt ? { startedAt: Number(h.startedAt) } : {}),
    ...(h.finishedAt ? { finishedAt: Number(h.finishedAt) } : {}),
    ...(h.errorText ? { errorText: h.errorText } : {}),
    ...(h.messageChannel ? { messageChannel: h.messageChannel } : {}),
    ...(h.messageTs ? { messageTs: h.messageTs } : {}),
    ...(h.reportRev ? { reportRev: Number(h.reportRev) } : {}),
  };
}

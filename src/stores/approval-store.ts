import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ReplyTarget, Requester } from '../queue/job-data.js';
import { DEFAULT_PREFIX } from '../queue/names.js';

/** Internal command (no slash spec) that applies an approved plan: `{ approvalId }` on the write queue. */
export const APPROVAL_APPLY_COMMAND = 'approval-apply';

/** A write waiting for an approver: everything the apply needs, captured at plan time. */
export interface PendingApproval {
  id: string;
  /** The bot job that planned it (its reply message shows the buttons). */
  jobId: string;
  /** `deploy` or `deploy-stop`. */
  commandName: string;
  commandText: string;
  args: Record<string, unknown>;
  requester: Requester;
  reply: ReplyTarget;
  tenant: string;
  nomadJobId: string;
  /** Rendered Nomad job (JSON) for deploy; empty for stop. */
  jobJson: string;
  /** Parsed template (JSON), for the Consul registration after the apply; empty for stop. */
  templateJson: string;
  /** The job's modify index the plan saw: the apply registers with EnforceIndex on it. */
  jobModifyIndex: number;
  planHash: string;
  planLines: string[];
  createdAt: number;
  expiresAt: number;
}

type ApprovalStatus = 'pending' | 'approved' | 'rejected';

export interface StoredApproval extends PendingApproval {
  status: ApprovalStatus;
  decidedBy?: string;
  decidedAt?: number;
  applyJobId?: string;
}

export type DecideOutcome =
  | { kind: 'ok'; approval: StoredApproval }
  | { kind: 'missing' }
  | { kind: 'expired'; approval: StoredApproval }
  | { kind: 'self'; approval: StoredApproval }
  | { kind: 'decided'; approval: StoredApproval };

// Checks and decides in one step, so two presses (or a replayed payload) can never both succeed.
const DECIDE_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 'missing' end
local status = redis.call('HGET', KEYS[1], 'status')
if status ~= 'pending' then return 'decided' end
if tonumber(redis.call('HGET', KEYS[1], 'expiresAt')) <= tonumber(ARGV[1]) then return 'expired' end
if ARGV[2] == 'approved' and redis.call('HGET', KEYS[1], 'requester') == ARGV[3] then return 'self' end
redis.call('HSET', KEYS[1], 'status', ARGV[2], 'decidedBy', ARGV[3], 'decidedAt', ARGV[1], 'applyJobId', ARGV[4])
return 'ok'`;

const KEEP_AFTER_EXPIRY_S = 7 * 24 * 3600;

/** Pending approvals in Redis, one hash each, decided atomically. */
export function createApprovalStore(redis: Redis, opts: { prefix?: string; now?: () => number } = {}) {
  const prefix = opts.prefix ?? DEFAULT_PREFIX;
  const key = (id: string) => `${prefix}:approval:${id}`;
  const now = opts.now ?? Date.now;

  async function save(approval: Omit<PendingApproval, 'id'>): Promise<StoredApproval> {
    const id = randomBytes(6).toString('hex');
    const full: StoredApproval = { ...approval, id, status: 'pending' };
    const ttlS = Math.ceil((approval.expiresAt - now()) / 1000) + KEEP_AFTER_EXPIRY_S;
    await redis.multi().hset(key(id), serialize(full)).expire(key(id), Math.max(ttlS, 60)).exec();
    return full;
  }

  async function get(id: string): Promise<StoredApproval | undefined> {
    if (!/^[a-f0-9]{12}$/.test(id)) return undefined;
    const h = await redis.hgetall(key(id));
    return h.id ? deserialize(h) : undefined;
  }

  /** Approves or rejects. Approval by the requester, after expiry, or of a decided approval does nothing. */
  async function decide(
    id: string,
    decision: 'approved' | 'rejected',
    userId: string,
    applyJobId = '',
  ): Promise<DecideOutcome> {
    if (!/^[a-f0-9]{12}$/.test(id)) return { kind: 'missing' };
    const result = String(await redis.eval(DECIDE_SCRIPT, 1, key(id), String(now()), decision, userId, applyJobId));
    const approval = await get(id);
    if (result === 'missing' || !approval) return { kind: 'missing' };
    return { kind: result as 'ok' | 'expired' | 'self' | 'decided', approval };
  }

  return { save, get, decide };
}

export type ApprovalStore = ReturnType<typeof createApprovalStore>;

function serialize(a: StoredApproval): Record<string, string> {
  return {
    id: a.id,
    jobId: a.jobId,
    commandName: a.commandName,
    commandText: a.commandText,
    args: JSON.stringify(a.args),
    requester: a.requester.userId,
    requesterJson: JSON.stringify(a.requester),
    reply: JSON.stringify(a.reply),
    tenant: a.tenant,
    nomadJobId: a.nomadJobId,
    jobJson: a.jobJson,
    templateJson: a.templateJson,
    jobModifyIndex: String(a.jobModifyIndex),
    planHash: a.planHash,
    planLines: JSON.stringify(a.planLines),
    createdAt: String(a.createdAt),
    expiresAt: String(a.expiresAt),
    status: a.status,
  };
}

function deserialize(h: Record<string, string>): StoredApproval {
  return {
    id: h.id ?? '',
    jobId: h.jobId ?? '',
    commandName: h.commandName ?? '',
    commandText: h.commandText ?? '',
    args: JSON.parse(h.args ?? '{}') as Record<string, unknown>,
    requester: JSON.parse(h.requesterJson ?? '{}') as Requester,
    reply: JSON.parse(h.reply ?? '{"kind":"console"}') as ReplyTarget,
    tenant: h.tenant ?? '',
    nomadJobId: h.nomadJobId ?? '',
    jobJson: h.jobJson ?? '',
    templateJson: h.templateJson ?? '',
    jobModifyIndex: Number(h.jobModifyIndex ?? 0),
    planHash: h.planHash ?? '',
    planLines: JSON.parse(h.planLines ?? '[]') as string[],
    createdAt: Number(h.createdAt ?? 0),
    expiresAt: Number(h.expiresAt ?? 0),
    status: (h.status as ApprovalStatus) ?? 'pending',
    ...(h.decidedBy ? { decidedBy: h.decidedBy } : {}),
    ...(h.decidedAt ? { decidedAt: Number(h.decidedAt) } : {}),
    ...(h.applyJobId ? { applyJobId: h.applyJobId } : {}),
  };
}

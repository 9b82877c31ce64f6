import type { Redis } from 'ioredis';
import type { AuditEvent, AuditLog } from '../stores/audit-log.js';
import type { JobStore, NewJobRecord } from '../stores/job-store.js';
import { CREATE_RECORD_LUA } from '../stores/job-store.js';
import { cachedScript } from './cached-script.js';
import { DEFAULT_PREFIX } from './names.js';
import { CLAIM_REQUEST_LUA, CLAIM_TTL_S, claimKey } from './request-claims.js';
import { type BucketRef, TAKE_TOKEN_LUA } from './token-bucket.js';

/** One queue-bound command as the admission script stores it. */
export interface AdmitRequest {
  /** The user's flood bucket; absent when no Redis bucket limits (the token was taken before, or no limit). */
  bucket?: BucketRef;
  requestId: string;
  /** Who presents the id (see request-claims.ts). */
  owner: string;
  /** The job record to create when the claim is this requester's. */
  record: NewJobRecord;
  /** The command's audit record, as it reads when the record is created here, and when it existed already. */
  audit?: { created: AuditEvent; existed: AuditEvent };
  /** Announce the new record on the events channel (not for a held job: it shows nothing yet). */
  publish: boolean;
}

export type AdmitOutcome =
  /** Over the flood limit: nothing was claimed, stored or audited. */
  | { kind: 'limited'; waitMs: number }
  /** Another requester owns the id: only the token was taken. */
  | { kind: 'other' }
  /**
   * This requester's claim, new or a replay: the record was created here (`created`) or existed; the audit record
   * was written (`audited`, with the outcome it carries) unless the event was malformed.
   */
  | { kind: 'claimed'; claim: 'new' | 'same'; created: boolean; audited?: 'queued' | 'duplicate' };

// One round trip for everything the ack decides in Redis (issue 15 item 2): the flood token, the claim of the
// request id, the job record, the command's audit record and the event for console watchers. Nothing is written
// after a refusal, and nothing but the token for another requester's id. The BullMQ add cannot join it (BullMQ's
// own script), so the producer sends it after this reply: the record always exists before its job.
// KEYS: bucket, claim, job record, user's jobs, all jobs, audit stream.
// ARGV: limit?, cap, perMs, owner, claim TTL, events channel ('' = none), audit MAXLEN, audit type, audit data when
// created ('' = no audit), audit data when it existed, then create_record's arguments.
const ADMIT_SCRIPT = `${TAKE_TOKEN_LUA}${CLAIM_REQUEST_LUA}${CREATE_RECORD_LUA}
if ARGV[1] == '1' then
  local allowed, wait = take_token(KEYS[1], tonumber(ARGV[2]), tonumber(ARGV[3]))
  if allowed == 0 then return {'limited', wait} end
end
local claim = claim_request(KEYS[2], ARGV[4], ARGV[5])
if claim == 'other' then return {'other', 0} end
local created = create_record(KEYS[3], KEYS[4], KEYS[5], {unpack(ARGV, 11)})
if ARGV[9] ~= '' then
  local data = ARGV[10]
  if created == 1 then data = ARGV[9] end
  redis.call('XADD', KEYS[6], 'MAXLEN', '~', ARGV[7], '*', 'type', ARGV[8], 'data', data)
end
if created == 1 and ARGV[6] ~= '' then redis.call('PUBLISH', ARGV[6], ARGV[13]) end
return {claim, created}`;

const evalAdmit = cachedScript(ADMIT_SCRIPT);

/**
 * The intake's admission of a queue-bound command: one script that takes the flood token, claims the request id,
 * creates the job record and appends the audit record. Sent as EVALSHA: its text is 2.5 kB, and writing it on every
 * ack was a fifth of the bot's ack CPU (profile, issue 15). A Redis without it cached (fresh, flushed) answers
 * NOSCRIPT and gets the text in a second round trip; nothing is sent behind the script before its reply (the job
 * follows it), so the retry can never put the record after the job, unlike the job store's create (job-store.ts).
 */
export function createAdmission(deps: { redis: Redis; jobs: JobStore; audit: AuditLog; prefix?: string }) {
  const prefix = deps.prefix ?? DEFAULT_PREFIX;

  /** The audit record's type and its two readings, encoded; undefined when there is none or it is malformed. */
  function encodeAudit(req: AdmitRequest): { type: string; created: string; existed: string } | undefined {
    if (!req.audit) return undefined;
    const created = deps.audit.encode(req.audit.created);
    const existed = deps.audit.encode(req.audit.existed);
    return created && existed ? { type: created[0], created: created[1], existed: existed[1] } : undefined;
  }

  return async function admit(req: AdmitRequest): Promise<AdmitOutcome> {
    const record = deps.jobs.scriptArgs(req.record);
    const audit = encodeAudit(req);
    const bucket = req.bucket;
    const keys = [
      bucket?.key ?? `${prefix}:ratelimit:-`,
      claimKey(prefix, req.requestId),
      ...record.keys,
      deps.audit.key,
    ];
    const argv = [
      bucket ? '1' : '0',
      String(bucket?.cap ?? 0),
      String(bucket?.perMs ?? 0),
      req.owner,
      String(CLAIM_TTL_S),
      req.publish ? deps.jobs.eventsChannel : '',
      String(deps.audit.maxLen),
      audit?.type ?? '',
      audit?.created ?? '',
      audit?.existed ?? '',
      ...record.args,
    ];
    const [kind, n] = (await evalAdmit(deps.redis, keys, argv)) as [string, number];
    if (kind === 'limited') return { kind: 'limited', waitMs: Number(n) };
    if (kind === 'other') return { kind: 'other' };
    if (audit) deps.audit.appendedByScript();
    const created = n === 1;
    return {
      kind: 'claimed',
      claim: kind === 'new' ? 'new' : 'same',
      created,
      ...(audit ? { audited: created ? ('queued' as const) : ('duplicate' as const) } : {}),
    };
  };
}

export type Admission = ReturnType<typeof createAdmission>;

import { createHash } from 'node:crypto';
import { type AccessCommandDeps, answerAudit, answerLock, answerUnlock } from '../access/access-commands.js';
import { type HelpArgs, isCommand } from '../commands/index.js';
import type { CommandRegistry } from '../commands/registry.js';
import type { CommandSpec, ParsedCommand } from '../commands/types.js';
import { describeForUser, ErrorCode, isNetopsError, NetopsError } from '../errors.js';
import type { Logger } from '../logging.js';
import type { Admission } from '../queue/admit-request.js';
import type { Canceller } from '../queue/cancel.js';
import type { ReplyTarget, Requester } from '../queue/job-data.js';
import { toJobId } from '../queue/names.js';
import type { EnqueueRequest, EnqueueResult, Producer } from '../queue/producer.js';
import { withQueueErrors } from '../queue/producer.js';
import type { ClaimOutcome, RequestClaims } from '../queue/request-claims.js';
import type { BucketRef, TakeResult } from '../queue/token-bucket.js';
import type { Report } from '../report/model.js';
import type { AuditEvent, AuditSink } from '../stores/audit-log.js';
import type { JobStore } from '../stores/job-store.js';
import { buildCancelReport, buildJobResultReport, buildJobsReport } from './local-reports.js';

/** A command as it arrives from any front end (Slack, console, one-shot CLI). */
export interface IncomingCommand {
  text: string;
  userId: string;
  channelId?: string;
  /** Slack workspace of the user (`team_id`). */
  teamId?: string;
  /** Enterprise Grid organisation of the user (`enterprise_id`), when there is one. */
  enterpriseId?: string;
  /** Hold a queued job until the front end releases it (Socket Mode: once its ack went out). */
  holdMs?: number;
  /** Stable id of the delivery (Slack trigger_id); the same id twice means the same request. */
  requestId: string;
  reply: ReplyTarget;
}

export type IntakeResult =
  | { kind: 'usage'; message: string }
  /** `limited`: over the flood limit (chat/rate-limit.ts); nothing was stored, not even an audit record. */
  | { kind: 'refused'; message: string; limited?: true }
  | { kind: 'answer'; report: Report }
  | { kind: 'queued'; jobId: string; duplicate: boolean; command: ParsedCommand }
  | { kind: 'error'; message: string };

/**
 * The per-user flood limit as the intake applies it (chat/rate-limit.ts makes one per command). The intake takes
 * exactly one token per command: inside the admission script for a queue-bound one (with `bucket`), else on its own
 * before answering.
 */
export interface FloodGate {
  /** The user's Redis bucket: taken from in the admission script, the same round trip as the claim. */
  bucket?: BucketRef;
  /** Takes the token on its own; never throws (lets the command through when the bucket is unreachable). */
  take(): Promise<TakeResult>;
  /** The answer to a command over the limit. */
  refusal(waitMs: number): IntakeResult;
}

/** The one path every front end uses; `gate` is the flood limit, when one applies. Never throws. */
export type Intake = (cmd: IncomingCommand, gate?: FloodGate) => Promise<IntakeResult>;

export interface IntakeDeps {
  parse: (text: string) => ParsedCommand;
  registry: CommandRegistry;
  producer: Pick<Producer, 'enqueue' | 'recordFor'>;
  store: JobStore;
  cancel: Canceller;
  buildHelp: (opts: { command?: string; allowed?: (spec: CommandSpec) => boolean }) => Report;
  /** Throws ForbiddenError when the caller may not run this command here (checked again in the worker). */
  authorize?: (spec: CommandSpec, command: ParsedCommand, who: { userId: string; channelId?: string }) => void;
  /** Filters help to what the caller may run. */
  allowed?: (spec: CommandSpec, who: { userId: string; channelId?: string }) => boolean;
  /** Why the caller may run nothing here (no policy, unknown user), shown under an empty /help. */
  describeAccess?: (who: { userId: string; channelId?: string }) => string | undefined;
  /** Admins may cancel other users' jobs. */
  isAdmin?: (who: { userId: string; channelId?: string }) => boolean;
  /** /audit, /lock and /unlock; without it those answer "not available". */
  access?: AccessCommandDeps;
  /** One audit record per command received, whatever the outcome. */
  audit?: AuditSink;
  /** Who each request id belongs to: replays are recognised, equal ids of different requesters kept apart. */
  claims?: RequestClaims;
  /**
   * The admission script (queue/admit-request.ts): flood token, claim, job record and audit record of a queue-bound
   * command in one round trip. Without it they are separate writes (claims, then the producer's record).
   */
  admit?: Admission;
  logger: Logger;
}

/**
 * The one path every front end uses: sanitize + parse, authorize, then either answer at once (help, jobs,
 * cancel) or enqueue. Never throws: every outcome is a result the front end can show in under 3 s.
 */
export function createIntake(deps: IntakeDeps): Intake {
  const audit: AuditSink = deps.audit ?? (async () => {});
  return async function intake(cmd: IncomingCommand, gate?: FloodGate): Promise<IntakeResult> {
    const seen: Seen = {};
    const result = await handle(cmd, gate, seen);
    // Over the flood limit: nothing is stored for the command, not even its audit record.
    if (seen.limited) return result;
    const event = auditEventFor(cmd, seen.parsed, result);
    // The admission script wrote this very record already; any other outcome (a failure after it) gets its own.
    if (seen.audited === undefined || seen.audited !== event.outcome) await audit(event);
    return result;
  };

  async function handle(cmd: IncomingCommand, gate: FloodGate | undefined, seen: Seen): Promise<IntakeResult> {
    const log = deps.logger.child({ user: cmd.userId, channel: cmd.channelId });
    // Parsing and the access check are pure: the flood token is taken with the first Redis write, in the admission
    // script for a queue-bound command, on its own before any other answer.
    const limited = async (answer: () => IntakeResult | Promise<IntakeResult>): Promise<IntakeResult> =>
      (await overLimit(gate, seen)) ?? answer();
    let parsed: ParsedCommand;
    try {
      parsed = deps.parse(cmd.text);
      seen.parsed = parsed;
    } catch (err) {
      return limited(() => refuseOrReport(err, 'usage', toJobId(cmd.requestId), log));
    }
    const spec = deps.registry.get(parsed.name);
    if (!spec) return limited(() => ({ kind: 'usage', message: `unknown command ${parsed.text}` }));
    const who = { userId: cmd.userId, ...(cmd.channelId ? { channelId: cmd.channelId } : {}) };
    try {
      deps.authorize?.(spec, parsed, who);
    } catch (err) {
      return limited(() => refuseOrReport(err, 'refused', toJobId(cmd.requestId), log));
    }
    const commandLog = log.child({ command: parsed.name });
    if (spec.execution === 'local') return limited(() => answerLocalCommand(cmd, parsed, who, commandLog));
    let requestId = cmd.requestId;
    try {
      const queued = deps.admit
        ? await admitAndEnqueue(cmd, spec, parsed, { admit: deps.admit, gate, seen })
        : await claimAndEnqueue(cmd, spec, parsed, gate, seen);
      if (queued.kind !== 'enqueued') return queued;
      requestId = queued.requestId;
      commandLog.info({ jobId: queued.jobId, duplicate: queued.duplicate, text: parsed.text }, 'command queued');
      return { kind: 'queued', jobId: queued.jobId, duplicate: queued.duplicate, command: parsed };
    } catch (err) {
      const ref = toJobId(requestId);
      if (isNetopsError(err) && err.code === ErrorCode.Usage) return refuseOrReport(err, 'usage', ref, commandLog);
      return refuseOrReport(err, 'refused', ref, commandLog);
    }
  }

  /** Takes the flood token on its own: the refusal when the user is over the limit, else undefined. */
  async function overLimit(gate: FloodGate | undefined, seen: Seen): Promise<IntakeResult | undefined> {
    if (!gate) return undefined;
    const decision = await gate.take();
    if (decision.allowed) return undefined;
    seen.limited = true;
    return gate.refusal(decision.waitMs);
  }

  /**
   * A queue-bound command through the admission script: token, claim, record and audit record in one round trip,
   * then the job and its first notify in one more. A redelivery whose record exists goes the producer's careful
   * way (queue only what a crashed process left unqueued); another requester's id is admitted again under an id
   * of this requester's own.
   */
  async function admitAndEnqueue(
    cmd: IncomingCommand,
    spec: CommandSpec,
    parsed: ParsedCommand,
    ctx: { admit: Admission; gate: FloodGate | undefined; seen: Seen },
  ): Promise<Queued | IntakeResult> {
    const { admit, gate, seen } = ctx;
    // An in-process bucket cannot join the script: its token is taken here first.
    if (gate && !gate.bucket) {
      const refusal = await overLimit(gate, seen);
      if (refusal) return refusal;
    }
    const hold = cmd.holdMs ? { holdMs: cmd.holdMs } : {};
    const pass = (requestId: string, bucket: BucketRef | undefined) =>
      admitOnce(cmd, enqueueRequest(cmd, spec, parsed, requestId), requestId, { admit, bucket });
    const first = await pass(cmd.requestId, gate?.bucket);
    // Another requester's id: admitted again under this requester's own, without a second token.
    const admitted =
      first.outcome.kind === 'other' ? await pass(scopedRequestId(cmd.requestId, ownerOf(cmd)), undefined) : first;
    const { outcome, req, record, requestId } = admitted;
    if (outcome.kind === 'limited') {
      seen.limited = true;
      return gate ? gate.refusal(outcome.waitMs) : { kind: 'refused', limited: true, message: 'Too many commands.' };
    }
    // Both ids owned by others (owners' hashes collide): the store decides, without a claim.
    if (outcome.kind === 'other') return { kind: 'enqueued', requestId, ...(await deps.producer.enqueue(req, hold)) };
    if (outcome.audited) seen.audited = outcome.audited;
    const result = await deps.producer.enqueue(req, outcome.created ? { ...hold, recorded: record } : hold);
    return { kind: 'enqueued', requestId, ...result };
  }

  /** One pass of the admission script for one request id. */
  async function admitOnce(
    cmd: IncomingCommand,
    req: EnqueueRequest,
    requestId: string,
    script: { admit: Admission; bucket: BucketRef | undefined },
  ) {
    const record = deps.producer.recordFor(req);
    const queuedEvent = (duplicate: boolean) =>
      auditEventFor(cmd, req.command, { kind: 'queued', jobId: req.jobId, duplicate, command: req.command });
    const outcome = await withQueueErrors(() =>
      script.admit({
        ...(script.bucket ? { bucket: script.bucket } : {}),
        requestId,
        owner: ownerOf(cmd),
        record,
        audit: { created: queuedEvent(false), existed: queuedEvent(true) },
        publish: !cmd.holdMs,
      }),
    );
    return { outcome, req, record, requestId };
  }

  /** Without the admission script: the token, the claim, then the producer's own record and job. */
  async function claimAndEnqueue(
    cmd: IncomingCommand,
    spec: CommandSpec,
    parsed: ParsedCommand,
    gate: FloodGate | undefined,
    seen: Seen,
  ): Promise<Queued | IntakeResult> {
    const refusal = await overLimit(gate, seen);
    if (refusal) return refusal;
    const claim = await claimRequest(cmd);
    const req = enqueueRequest(cmd, spec, parsed, claim.requestId);
    const result = await deps.producer.enqueue(req, cmd.holdMs ? { holdMs: cmd.holdMs } : {});
    return { kind: 'enqueued', requestId: claim.requestId, ...result };
  }

  /** /help, /jobs, /cancel and the access commands: answered here; the ones a replay could repeat are claimed. */
  async function answerLocalCommand(
    cmd: IncomingCommand,
    parsed: ParsedCommand,
    who: { userId: string; channelId?: string },
    log: Logger,
  ): Promise<IntakeResult> {
    let requestId = cmd.requestId;
    try {
      // Only what a replay could repeat is claimed: /help, /jobs and the like answer without Redis (they must work
      // while the queue is down).
      const claim = REPLAY_SENSITIVE.has(parsed.name)
        ? await claimRequest(cmd)
        : { requestId: cmd.requestId, outcome: 'new' as const };
      requestId = claim.requestId;
      return await runLocally(parsed, claim.outcome, who);
    } catch (err) {
      const ref = toJobId(requestId);
      if (isNetopsError(err) && err.code === ErrorCode.Usage) return refuseOrReport(err, 'usage', ref, log);
      return refuseOrReport(err, 'refused', ref, log);
    }
  }

  /**
   * A user-safe usage or access error is shown as is; anything else is an internal error, logged with the
   * reference the user is shown, so the reference always finds its log line.
   */
  function refuseOrReport(err: unknown, kind: 'usage' | 'refused', ref: string, log: Logger): IntakeResult {
    if (isNetopsError(err) && err.isUserSafe && (err.code === ErrorCode.Usage || err.code === ErrorCode.Forbidden))
      return { kind, message: describeForUser(err, ref) };
    log.error({ err, ref }, 'intake failed');
    return { kind: 'error', message: describeForUser(err, ref) };
  }

  async function runLocally(
    parsed: ParsedCommand,
    outcome: ClaimOutcome,
    who: { userId: string; channelId?: string },
  ): Promise<IntakeResult> {
    // A replayed request that changes state (/lock, /unlock, /cancel) must not run twice, as a queued one does
    // not: the replay (say after an /unlock) is answered, and does nothing.
    if (outcome === 'same' && REPLAY_SENSITIVE.has(parsed.name))
      return {
        kind: 'refused',
        message: `This request was already handled (\`${parsed.text}\`): it was not run again.`,
      };
    return { kind: 'answer', report: await answerLocally(parsed, who) };
  }

  /**
   * The request id this requester owns: the delivered one, or, when another requester (user, workspace, Grid
   * organisation) already presented the same id, one derived from it and the requester, so two users' equal
   * trigger_ids never share a job.
   */
  async function claimRequest(cmd: IncomingCommand): Promise<{ requestId: string; outcome: ClaimOutcome }> {
    if (!deps.claims) return { requestId: cmd.requestId, outcome: 'new' };
    const claims = deps.claims;
    const owner = ownerOf(cmd);
    const outcome = await withQueueErrors(() => claims.claim(cmd.requestId, owner));
    if (outcome !== 'other') return { requestId: cmd.requestId, outcome };
    const scoped = scopedRequestId(cmd.requestId, owner);
    return { requestId: scoped, outcome: await withQueueErrors(() => claims.claim(scoped, owner)) };
  }

  async function answerLocally(parsed: ParsedCommand, who: { userId: string; channelId?: string }): Promise<Report> {
    // isCommand narrows args to the spec's own type: the grammar parsed them with that spec's schema.
    if (isCommand(parsed, 'help')) return answerHelp(parsed.args, who);
    if (isCommand(parsed, 'jobs')) {
      const { jobId, limit } = parsed.args;
      if (jobId !== undefined) return answerJobResult(jobId, who);
      return buildJobsReport(await withQueueErrors(() => deps.store.listForUser(who.userId, limit)), Date.now());
    }
    if (isCommand(parsed, 'cancel')) {
      const { jobId } = parsed.args;
      const admin = deps.isAdmin?.(who) ?? false;
      return buildCancelReport(jobId, await withQueueErrors(() => deps.cancel(jobId, who.userId, { admin })));
    }
    if (isCommand(parsed, 'audit')) return answerAudit(requireAccess(), parsed.args);
    if (isCommand(parsed, 'lock')) return answerLock(requireAccess(), parsed.args, who);
    if (isCommand(parsed, 'unlock')) return answerUnlock(requireAccess(), parsed.args, who);
    throw new Error(`local command ${parsed.name} has no handler`);
  }

  function answerHelp(args: HelpArgs, who: { userId: string; channelId?: string }): Report {
    const allowed = deps.allowed;
    const report = deps.buildHelp({
      ...(args.command !== undefined ? { command: args.command } : {}),
      ...(allowed ? { allowed: (spec: CommandSpec) => allowed(spec, who) } : {}),
    });
    const note = deps.describeAccess?.(who);
    return note ? { ...report, blocks: [...report.blocks, { kind: 'alert', level: 'info', text: note }] } : report;
  }

  async function answerJobResult(jobId: string, who: { userId: string; channelId?: string }): Promise<Report> {
    const record = await withQueueErrors(() => deps.store.get(jobId));
    if (!record) return buildJobResultReport(jobId, 'not-found', Date.now());
    if (record.userId !== who.userId && !(deps.isAdmin?.(who) ?? false))
      return buildJobResultReport(jobId, 'not-yours', Date.now());
    const report = await withQueueErrors(() => deps.store.getReport(jobId));
    return buildJobResultReport(jobId, { record, ...(report ? { report } : {}) }, Date.now());
  }

  function requireAccess(): AccessCommandDeps {
    if (!deps.access)
      throw new NetopsError(ErrorCode.NotAvailable, 'access commands not wired', {
        userMessage: 'This command is not available in this process.',
      });
    return deps.access;
  }
}

/** What the intake noticed on the way: the parsed command, a flood refusal, the audit record already written. */
interface Seen {
  parsed?: ParsedCommand;
  limited?: boolean;
  audited?: 'queued' | 'duplicate';
}

/** A queue-bound command's outcome, with the request id it was queued under (the delivered one, or scoped). */
interface Queued extends EnqueueResult {
  kind: 'enqueued';
  requestId: string;
}

/** The requester an id belongs to: user, workspace and Grid organisation. */
function ownerOf(cmd: IncomingCommand): string {
  return JSON.stringify([cmd.enterpriseId ?? '', cmd.teamId ?? '', cmd.userId]);
}

/** This requester's own id for a delivered id another requester already presented. */
function scopedRequestId(requestId: string, owner: string): string {
  return `${toJobId(requestId).slice(0, 100)}-${createHash('sha256').update(owner).digest('hex').slice(0, 12)}`;
}

function enqueueRequest(
  cmd: IncomingCommand,
  spec: CommandSpec,
  parsed: ParsedCommand,
  requestId: string,
): EnqueueRequest {
  return { jobId: toJobId(requestId), spec, command: parsed, requester: toRequester(cmd), reply: cmd.reply };
}

/** The one audit record of a command received, whatever its outcome. */
function auditEventFor(cmd: IncomingCommand, parsed: ParsedCommand | undefined, result: IntakeResult): AuditEvent {
  return {
    type: 'command',
    user: cmd.userId,
    ...(cmd.teamId ? { team: cmd.teamId } : {}),
    ...(cmd.enterpriseId ? { enterprise: cmd.enterpriseId } : {}),
    channel: cmd.channelId,
    text: cmd.text.slice(0, 500),
    ...(parsed ? { command: parsed.name, args: parsed.args } : {}),
    ...(result.kind === 'queued' ? { jobId: result.jobId } : {}),
    outcome: result.kind === 'queued' && result.duplicate ? 'duplicate' : result.kind,
    ...('message' in result ? { detail: result.message.slice(0, 300) } : {}),
  };
}

/** Local commands that change state: a replay of one is recognised and not run again. */
const REPLAY_SENSITIVE = new Set(['lock', 'unlock', 'cancel']);

/** Who asked, as job data keeps it: the user with their channel, workspace and Grid organisation. */
function toRequester(cmd: IncomingCommand): Requester {
  return {
    userId: cmd.userId,
    ...(cmd.channelId ? { channelId: cmd.channelId } : {}),
    ...(cmd.teamId ? { teamId: cmd.teamId } : {}),
    ...(cmd.enterpriseId ? { enterpriseId: cmd.enterpriseId } : {}),
  };
}

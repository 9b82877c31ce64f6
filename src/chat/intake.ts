import { createHash } from 'node:crypto';
import { type AccessCommandDeps, answerAudit, answerLock, answerUnlock } from '../access/access-commands.js';
import { type HelpArgs, isCommand } from '../commands/index.js';
import type { CommandRegistry } from '../commands/registry.js';
import type { CommandSpec, ParsedCommand } from '../commands/types.js';
import { describeForUser, ErrorCode, isNetopsError, NetopsError } from '../errors.js';
import type { Logger } from '../logging.js';
import type { Canceller } from '../queue/cancel.js';
import type { ReplyTarget, Requester } from '../queue/job-data.js';
import { toJobId } from '../queue/names.js';
import type { Producer } from '../queue/producer.js';
import { withQueueErrors } from '../queue/producer.js';
import type { ClaimOutcome, RequestClaims } from '../queue/request-claims.js';
import type { Report } from '../report/model.js';
import type { AuditSink } from '../stores/audit-log.js';
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
  | { kind: 'refused'; message: string }
  | { kind: 'answer'; report: Report }
  | { kind: 'queued'; jobId: string; duplicate: boolean; command: ParsedCommand }
  | { kind: 'error'; message: string };

export interface IntakeDeps {
  parse: (text: string) => ParsedCommand;
  registry: CommandRegistry;
  producer: Pick<Producer, 'enqueue'>;
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
  logger: Logger;
}

/**
 * The one path every front end uses: sanitize + parse, authorize, then either answer at once (help, jobs,
 * cancel) or enqueue. Never throws: every outcome is a result the front end can show in under 3 s.
 */
export function createIntake(deps: IntakeDeps) {
  const audit: AuditSink = deps.audit ?? (async () => {});
  return async function intake(cmd: IncomingCommand): Promise<IntakeResult> {
    const seen: { parsed?: ParsedCommand } = {};
    const result = await handle(cmd, seen);
    await audit({
      type: 'command',
      user: cmd.userId,
      ...(cmd.teamId ? { team: cmd.teamId } : {}),
      ...(cmd.enterpriseId ? { enterprise: cmd.enterpriseId } : {}),
      channel: cmd.channelId,
      text: cmd.text.slice(0, 500),
      ...(seen.parsed ? { command: seen.parsed.name, args: seen.parsed.args } : {}),
      ...(result.kind === 'queued' ? { jobId: result.jobId } : {}),
      outcome: result.kind === 'queued' && result.duplicate ? 'duplicate' : result.kind,
      ...('message' in result ? { detail: result.message.slice(0, 300) } : {}),
    });
    return result;
  };

  async function handle(cmd: IncomingCommand, seen: { parsed?: ParsedCommand }): Promise<IntakeResult> {
    const log = deps.logger.child({ user: cmd.userId, channel: cmd.channelId });
    let parsed: ParsedCommand;
    try {
      parsed = deps.parse(cmd.text);
      seen.parsed = parsed;
    } catch (err) {
      return refuseOrReport(err, 'usage', toJobId(cmd.requestId), log);
    }
    const spec = deps.registry.get(parsed.name);
    if (!spec) return { kind: 'usage', message: `unknown command ${parsed.text}` };
    const who = { userId: cmd.userId, ...(cmd.channelId ? { channelId: cmd.channelId } : {}) };
    try {
      deps.authorize?.(spec, parsed, who);
    } catch (err) {
      return refuseOrReport(err, 'refused', toJobId(cmd.requestId), log);
    }
    const commandLog = log.child({ command: parsed.name });
    let requestId = cmd.requestId;
    try {
      // Only what a replay could repeat is claimed: /help, /jobs and the like answer without Redis (they must work
      // while the queue is down).
      const needsClaim = spec.execution !== 'local' || REPLAY_SENSITIVE.has(parsed.name);
      const claim = needsClaim ? await claimRequest(cmd) : { requestId: cmd.requestId, outcome: 'new' as const };
      requestId = claim.requestId;
      if (spec.execution === 'local') return await runLocally(parsed, claim.outcome, who);
      const jobId = toJobId(requestId);
      const result = await deps.producer.enqueue(
        { jobId, spec, command: parsed, requester: toRequester(cmd), reply: cmd.reply },
        // Claimed just now (not merely "no claims kept here"): a first delivery, see EnqueueOptions.claimedNow.
        {
          ...(cmd.holdMs ? { holdMs: cmd.holdMs } : {}),
          ...(deps.claims && claim.outcome === 'new' ? { claimedNow: true } : {}),
        },
      );
      commandLog.info({ jobId, duplicate: result.duplicate, text: parsed.text }, 'command queued');
      return { kind: 'queued', jobId, duplicate: result.duplicate, command: parsed };
    } catch (err) {
      const ref = toJobId(requestId);
      if (isNetopsError(err) && err.code === ErrorCode.Usage) return refuseOrReport(err, 'usage', ref, commandLog);
      return refuseOrReport(err, 'refused', ref, commandLog);
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
    const owner = JSON.stringify([cmd.enterpriseId ?? '', cmd.teamId ?? '', cmd.userId]);
    const outcome = await withQueueErrors(() => claims.claim(cmd.requestId, owner));
    if (outcome !== 'other') return { requestId: cmd.requestId, outcome };
    const scoped = `${toJobId(cmd.requestId).slice(0, 100)}-${createHash('sha256').update(owner).digest('hex').slice(0, 12)}`;
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

export type Intake = ReturnType<typeof createIntake>;

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

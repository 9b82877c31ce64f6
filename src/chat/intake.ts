import type { CommandRegistry } from '../commands/registry.js';
import type { CommandSpec, ParsedCommand } from '../commands/types.js';
import { describeForUser, isNetopsError } from '../errors.js';
import type { Logger } from '../logging.js';
import type { Canceller } from '../queue/cancel.js';
import type { ReplyTarget } from '../queue/job-data.js';
import type { JobStore } from '../queue/job-store.js';
import { toJobId } from '../queue/names.js';
import type { Producer } from '../queue/producer.js';
import { withQueueErrors } from '../queue/producer.js';
import type { Report } from '../report/model.js';
import { buildCancelReport, buildJobsReport } from './local-reports.js';

/** A command as it arrives from any front end (Slack, console, one-shot CLI). */
export interface IncomingCommand {
  text: string;
  userId: string;
  channelId?: string;
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
  logger: Logger;
}

/**
 * The one path every front end uses: sanitize + parse, authorize, then either answer at once (help, jobs,
 * cancel) or enqueue. Never throws: every outcome is a result the front end can show in under 3 s.
 */
export function createIntake(deps: IntakeDeps) {
  return async function intake(cmd: IncomingCommand): Promise<IntakeResult> {
    let parsed: ParsedCommand;
    try {
      parsed = deps.parse(cmd.text);
    } catch (err) {
      return { kind: 'usage', message: describeForUser(err, 'usage') };
    }
    const spec = deps.registry.get(parsed.name);
    if (!spec) return { kind: 'usage', message: `unknown command ${parsed.text}` };
    const who = { userId: cmd.userId, ...(cmd.channelId ? { channelId: cmd.channelId } : {}) };
    try {
      deps.authorize?.(spec, parsed, who);
    } catch (err) {
      return { kind: 'refused', message: describeForUser(err, 'forbidden') };
    }
    const log = deps.logger.child({ user: cmd.userId, channel: cmd.channelId, command: parsed.name });
    try {
      if (spec.execution === 'local') return { kind: 'answer', report: await answerLocally(parsed, who) };
      const jobId = toJobId(cmd.requestId);
      const result = await deps.producer.enqueue({ jobId, spec, command: parsed, requester: who, reply: cmd.reply });
      log.info({ jobId, duplicate: result.duplicate, text: parsed.text }, 'command queued');
      return { kind: 'queued', jobId, duplicate: result.duplicate, command: parsed };
    } catch (err) {
      const ref = toJobId(cmd.requestId);
      log.error({ err, ref }, 'intake failed');
      return { kind: 'error', message: describeForUser(err, ref) };
    }
  };

  async function answerLocally(parsed: ParsedCommand, who: { userId: string; channelId?: string }): Promise<Report> {
    const args = parsed.args as Record<string, unknown>;
    switch (parsed.name) {
      case 'help': {
        const allowed = deps.allowed;
        return deps.buildHelp({
          ...(typeof args.command === 'string' ? { command: args.command } : {}),
          ...(allowed ? { allowed: (spec: CommandSpec) => allowed(spec, who) } : {}),
        });
      }
      case 'jobs': {
        const limit = typeof args.limit === 'number' ? args.limit : 10;
        return buildJobsReport(await withQueueErrors(() => deps.store.listForUser(who.userId, limit)), Date.now());
      }
      case 'cancel':
        return buildCancelReport(
          String(args.jobId),
          await withQueueErrors(() => deps.cancel(String(args.jobId), who.userId)),
        );
      default:
        throw new Error(`local command ${parsed.name} has no handler`);
    }
  }
}

export type Intake = ReturnType<typeof createIntake>;

/** True for errors the user can act on (shown as is); used by front ends choosing a tone. */
export function isUserFacing(err: unknown): boolean {
  return isNetopsError(err) && err.isUserSafe;
}

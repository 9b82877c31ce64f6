import { z } from 'zod';
import type { CommandSpec } from '../commands/types.js';
import { describeForUser } from '../errors.js';
import type { Logger } from '../logging.js';
import type { ReplyTarget, RespondTarget } from '../queue/job-data.js';
import type { Producer } from '../queue/producer.js';
import { describeUser } from '../report/mention.js';
import type { ReportBlock } from '../report/model.js';
import { APPROVAL_APPLY_COMMAND, type ApprovalStore, type StoredApproval } from '../stores/approval-store.js';
import type { AuditSink } from '../stores/audit-log.js';
import type { DeliveryStore } from '../stores/delivery-store.js';
import type { JobStore } from '../stores/job-store.js';
import { type AccessPolicy, authorizeApproval, authorizeApprovalChannel } from './policy.js';

/** A button press (Slack) or `npm run netops -- approve|reject <id>` (console). */
export interface ApprovalRequest {
  approvalId: string;
  decision: 'approve' | 'reject';
  userId: string;
  channelId?: string;
  /** Where the apply job's reply goes. */
  reply: ReplyTarget;
  /** The press's response URL: the plan message (which holds the buttons) is replaced through it. */
  respond?: RespondTarget;
}

export type ApprovalResult =
  | {
      ok: true;
      message: string;
      applyJobId?: string;
      /** The plan's reply message is being updated with the decision (else only `message` tells the presser). */
      planUpdated: boolean;
    }
  | { ok: false; message: string };

export interface ApprovalDeciderDeps {
  approvals: ApprovalStore;
  policy: () => AccessPolicy | undefined;
  producer: Pick<Producer, 'enqueue' | 'requestNotify'>;
  store: Pick<JobStore, 'getReport' | 'saveReport' | 'get'>;
  /** Where a press's response URL is kept for the plan message's next render. */
  delivery?: Pick<DeliveryStore, 'setReplaceVia'>;
  audit: AuditSink;
  logger: Logger;
  /**
   * Whether a press follows the channel rules. @defaultValue true. A runtime built without access control (a
   * bench, a test of another part) passes false: its intake authorizes no command either.
   */
  channelRules?: boolean;
}

/** The apply job's spec: internal (not in the registry, so nobody can type it), on the write queue. */
const approvalApplySpec: CommandSpec = {
  name: APPROVAL_APPLY_COMMAND,
  words: ['approval-apply'],
  summary: 'Apply an approved plan',
  usage: '(internal)',
  examples: ['(internal)'],
  execution: 'write',
  writes: true,
  args: z.object({ approvalId: z.string() }),
  positional: [],
  options: [],
};

/**
 * Decides approvals. Approve: the user must hold the approver role for the tenant and differ from the
 * requester; the approval must be pending and unexpired (checked and decided atomically in Redis, so a replayed
 * press does nothing); then one apply job is queued (its id derives from the approval, so it is queued once).
 * Reject: an approver or the requester. Either way the original reply is updated and the audit records it.
 */
export function createApprovalDecider(deps: ApprovalDeciderDeps) {
  return async function decide(req: ApprovalRequest): Promise<ApprovalResult> {
    // A button value or a typed id comes from outside: anything but an id of ours is refused without echoing it.
    if (!isApprovalId(req.approvalId)) {
      const shown = `${req.approvalId.length} characters`;
      await deps.audit({
        type: 'approval.refused',
        user: req.userId,
        channel: req.channelId,
        detail: `malformed approval id (${shown})`,
      });
      return { ok: false, message: `That is not an approval id (${shown}): nothing was done.` };
    }
    const approval = await deps.approvals.get(req.approvalId);
    const base = { approvalId: req.approvalId, user: req.userId, channel: req.channelId };
    if (!approval) {
      await deps.audit({ type: 'approval.refused', ...base, detail: 'unknown approval' });
      return {
        ok: false,
        message: `Approval \`${req.approvalId}\` does not exist (or is long gone): nothing was done.`,
      };
    }
    const ids = {
      ...base,
      jobId: approval.jobId,
      tenant: approval.tenant,
      planHash: approval.planHash,
      command: approval.commandName,
    };
    const refusal = checkDecider(approval, req);
    if (refusal) {
      await deps.audit({ type: 'approval.refused', ...ids, detail: refusal });
      return { ok: false, message: refusal };
    }
    const applyJobId = `apply-${approval.id}`;
    const decision = req.decision === 'approve' ? 'approved' : 'rejected';
    const outcome = await deps.approvals.decide(
      approval.id,
      decision,
      req.userId,
      decision === 'approved' ? applyJobId : '',
    );
    if (outcome.kind !== 'ok') {
      const message = describeRefusal(outcome.kind, outcome.kind === 'missing' ? approval : outcome.approval);
      await deps.audit({ type: 'approval.refused', ...ids, detail: `${outcome.kind}: ${message}` });
      return { ok: false, message };
    }
    await deps.audit({
      type: `approval.${decision}`,
      ...ids,
      user: approval.requester.userId,
      approver: req.userId,
      ...(decision === 'approved' ? { detail: `apply job ${applyJobId}` } : {}),
    });
    if (decision === 'approved') await enqueueApply(approval, req, applyJobId);
    const text =
      decision === 'approved'
        ? `Approved by ${describeUser(req.userId)}: applying as job \`${applyJobId}\`.`
        : `Rejected by ${describeUser(req.userId)}: nothing was applied.`;
    const planUpdated = await markOriginal(approval, decision, req, text);
    return { ok: true, message: text, planUpdated, ...(decision === 'approved' ? { applyJobId } : {}) };
  };

  /** Why this user may not decide this approval (the requester approving, a non-approver), if so. */
  function checkDecider(approval: StoredApproval, req: ApprovalRequest): string | undefined {
    // A button pressed in a channel follows that channel's rules, as typing the command there would.
    try {
      if (deps.channelRules !== false) authorizeApprovalChannel(deps.policy(), req.channelId, approval);
    } catch (err) {
      return describeForUser(err, req.approvalId);
    }
    const isRequester = approval.requester.userId === req.userId;
    // Checked again atomically in Redis; answering here first gives the clearer reason.
    if (req.decision === 'approve' && isRequester) return describeRefusal('self', approval);
    // The requester may withdraw their own request; anyone else needs the approver role.
    if (req.decision === 'reject' && isRequester) return undefined;
    try {
      authorizeApproval(deps.policy(), req.userId, approval.tenant);
      return undefined;
    } catch (err) {
      return describeForUser(err, req.approvalId);
    }
  }

  async function enqueueApply(approval: StoredApproval, req: ApprovalRequest, applyJobId: string): Promise<void> {
    await deps.producer.enqueue({
      jobId: applyJobId,
      spec: approvalApplySpec,
      command: {
        name: APPROVAL_APPLY_COMMAND,
        args: { approvalId: approval.id },
        text: `${approval.commandText} (approval ${approval.id})`,
      },
      requester: { userId: req.userId, ...(req.channelId ? { channelId: req.channelId } : {}) },
      reply: req.reply,
    });
  }

  /**
   * Replaces the buttons of the requester's reply with the decision, so nobody presses them again. A Slack press
   * brings its own response URL: the notify worker replaces the message holding the buttons through it, which
   * works even where the bot is not a member. False when there is no plan message to update.
   */
  async function markOriginal(
    approval: StoredApproval,
    status: string,
    req: ApprovalRequest,
    text: string,
  ): Promise<boolean> {
    const by = req.userId;
    try {
      const report = await deps.store.getReport(approval.jobId);
      if (!report) return false;
      const blocks: ReportBlock[] = report.blocks.map((b) =>
        b.kind === 'actions' ? { kind: 'alert', level: status === 'approved' ? 'info' : 'warning', text } : b,
      );
      const previous = (report as { approval?: Record<string, unknown> }).approval ?? {};
      await deps.store.saveReport(approval.jobId, {
        ...report,
        blocks,
        title: report.title.replace('awaiting approval', status),
        approval: { ...previous, status, decidedBy: by },
      });
      const record = await deps.store.get(approval.jobId);
      if (!record) return false;
      if (req.respond && deps.delivery) await deps.delivery.setReplaceVia(approval.jobId, req.respond);
      await deps.producer.requestNotify(approval.jobId, false, record.reply);
      return record.reply.kind === 'slack';
    } catch (err) {
      deps.logger.warn({ err, approvalId: approval.id }, 'could not update the approval message');
      return false;
    }
  }
}

export type ApprovalDecider = ReturnType<typeof createApprovalDecider>;

/** Approval ids are 12 hex digits (approval-store.ts: randomBytes(6)); button values are nothing else. */
function isApprovalId(value: string): boolean {
  return /^[0-9a-f]{12}$/.test(value);
}

function describeRefusal(kind: 'missing' | 'expired' | 'self' | 'decided', a: StoredApproval): string {
  const at = (ms?: number) => (ms ? `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC` : '?');
  switch (kind) {
    case 'missing':
      return `Approval \`${a.id}\` does not exist any more: nothing was done.`;
    case 'expired':
      return `Approval \`${a.id}\` expired at ${at(a.expiresAt)}: nothing was applied. Run \`${a.commandText}\` again for a new plan.`;
    case 'self':
      return `You requested \`${a.commandText}\`: a different user with the approver role must approve it. Nothing was applied.`;
    case 'decided':
      return `Approval \`${a.id}\` was already ${a.status} by ${describeUser(a.decidedBy ?? '?')} at ${at(a.decidedAt)}: nothing more was done.`;
  }
}

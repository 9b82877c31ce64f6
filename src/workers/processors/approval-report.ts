import type { Report, ReportBlock } from '../../report/model.js';
import type { StoredApproval } from '../../stores/approval-store.js';

/** Report JSON fields of a write waiting for approval. */
export type PendingApprovalFields = {
  approval: { id: string; status: 'pending'; expiresAt: string };
  jobId: string;
  tenant: string;
  plan: string[];
  planHash: string;
};

/**
 * The reply of a write that needs an approver: the plan, who must approve by when, and the Approve / Reject
 * buttons (Slack) or the approve command line (console). The requester's job ends here (succeeded): the apply
 * is a separate job started by the approval.
 */
export function buildPendingApprovalReport(
  approval: StoredApproval,
  extraBlocks: ReportBlock[] = [],
): Report & PendingApprovalFields {
  const expiresAt = new Date(approval.expiresAt).toISOString();
  const verb = approval.commandName === 'deploy-stop' ? 'stop' : 'deploy';
  return {
    command: approval.commandName,
    ok: true,
    title: `${verb} ${approval.nomadJobId}: plan awaiting approval (${approval.id})`,
    blocks: [
      {
        kind: 'fields',
        fields: [
          { label: 'job', value: `\`${approval.nomadJobId}\`` },
          { label: 'tenant', value: approval.tenant },
          { label: 'plan hash', value: `\`${approval.planHash}\`` },
          { label: 'approval', value: `\`${approval.id}\`, expires ${expiresAt.slice(0, 16).replace('T', ' ')} UTC` },
        ],
      },
      { kind: 'code', text: approval.planLines.join('\n') || '(no changes)' },
      ...extraBlocks,
      {
        kind: 'alert',
        level: 'info',
        text: `Nothing is applied until a different user with the approver role approves. Tenant ${approval.tenant} needs an approval for this command.`,
      },
      { kind: 'actions', approvalId: approval.id },
    ],
    approval: { id: approval.id, status: 'pending', expiresAt },
    jobId: approval.nomadJobId,
    tenant: approval.tenant,
    plan: approval.planLines,
    planHash: approval.planHash,
  };
}

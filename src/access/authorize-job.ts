import type { CommandRegistry } from '../commands/registry.js';
import { ForbiddenError } from '../errors.js';
import type { CommandJobData } from '../queue/job-data.js';
import { APPROVAL_APPLY_COMMAND, type ApprovalStore } from '../stores/approval-store.js';
import { type AccessPolicy, authorize, authorizeApproval, authorizeApprovalChannel } from './policy.js';

/**
 * The worker's second check, with the policy of the moment: the requester may still run the command here; for
 * an approved apply, the approver may still approve in the tenant and the original requester may still run it.
 * @throws ForbiddenError
 */
export async function authorizeJob(
  policy: AccessPolicy | undefined,
  data: CommandJobData,
  deps: { registry: CommandRegistry; approvals: Pick<ApprovalStore, 'get'> },
): Promise<void> {
  if (data.command.name === APPROVAL_APPLY_COMMAND) {
    const approval = await deps.approvals.get(String(data.command.args.approvalId));
    if (!approval) throw new ForbiddenError('this approval no longer exists: nothing was applied.');
    if (approval.requester.userId === data.requester.userId) {
      throw new ForbiddenError('a change must be approved by a different user than the one who requested it.');
    }
    authorizeApproval(policy, data.requester.userId, approval.tenant);
    authorizeApprovalChannel(policy, data.requester.channelId, approval);
    const spec = deps.registry.get(approval.commandName);
    if (!spec) throw new ForbiddenError(`unknown command ${approval.commandName}`);
    authorize(policy, spec, approval.args, approval.requester);
    return;
  }
  const spec = deps.registry.get(data.command.name);
  // Jobs of unknown commands fail later with "not available"; there is nothing to authorize against.
  if (!spec) return;
  authorize(policy, spec, data.command.args, data.requester);
}

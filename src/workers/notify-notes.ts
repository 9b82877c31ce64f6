import type { Report } from '../report/model.js';
import { deliveryHintOf, deliveryProblemOf } from '../report/notifier.js';

/**
 * The sentences a reply carries about its own delivery. They tell the user what is missing and what to do; they
 * never quote a URL or a token.
 */
export const notes = {
  /** The bot answers through the response URL: only the user sees it. */
  onlyYou(err: unknown): string {
    const hint = deliveryHintOf(err) ?? 'the bot cannot post in this channel';
    return `Only you can see this reply: ${hint} to get replies, details and charts in the channel.`;
  },
  /** A final result answered through the response URL leaves its detail out. */
  detailLeftOut(jobId: string): string {
    return `Details and charts are posted only in channels the bot is a member of: see the whole result with \`/jobs ${jobId}\`.`;
  },
  /** Approve / Reject buttons in a message only the requester sees. */
  approversCannotSee(approvalId: string): string {
    return `Only you can see the Approve / Reject buttons: an approver needs the plan in the channel (invite the bot and run the command again) or runs \`npm run netops -- approve ${approvalId}\`.`;
  },
  /** The response URL is about to expire while the job still runs. */
  windowClosing(jobId: string): string {
    return `Slack lets the bot answer here for 30 minutes only and this job is still running: when it ends, see its result with \`/jobs ${jobId}\`.`;
  },
  /** Slack refused the full result message. */
  resultTooLarge(jobId: string): string {
    return `The full result did not fit in a Slack message: see it with \`/jobs ${jobId}\`.`;
  },
  /** A detail part given up on. */
  partFailed(label: string, err: unknown): string {
    return `${label} could not be posted: ${describeReason(err)}.`;
  },
};

/** Why a delivery failed, in words a user can act on. */
function describeReason(err: unknown): string {
  const hint = deliveryHintOf(err);
  if (hint) return hint;
  if (deliveryProblemOf(err) === 'content_rejected') return 'Slack refused it as too large or malformed';
  const body = (err as { body?: unknown } | undefined)?.body;
  return typeof body === 'string' && /^[a-z_]{3,60}$/.test(body) ? `Slack answered \`${body}\`` : 'Slack refused it';
}

/** The approval id of a plan's Approve / Reject buttons, if the report has them. */
export function approvalIdOf(report: Report | undefined): string | undefined {
  const block = report?.blocks.find((b) => b.kind === 'actions');
  return block?.kind === 'actions' ? block.approvalId : undefined;
}

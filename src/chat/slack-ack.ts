import type { IntakeResult } from './intake.js';
import { renderReportBlocks } from './render-slack-blocks.js';
import { escapeMrkdwn } from './render-text.js';

/** The ephemeral answer sent with the ack (within Slack's 3 s): queued, a usage hint, a refusal or a local answer. */
export function toAckResponse(result: IntakeResult): { response_type: 'ephemeral'; text: string; blocks?: unknown[] } {
  switch (result.kind) {
    case 'queued':
      return {
        response_type: 'ephemeral',
        text: result.duplicate
          ? `Already received: job \`${result.jobId}\` is on it.`
          : `Queued \`${escapeMrkdwn(result.command.text)}\` as job \`${result.jobId}\`. Progress and result will appear in this channel.`,
      };
    case 'answer':
      return {
        response_type: 'ephemeral',
        text: result.report.title,
        blocks: renderReportBlocks(result.report.blocks).slice(0, 50),
      };
    case 'usage':
      return { response_type: 'ephemeral', text: `:x: ${escapeMrkdwn(result.message)}` };
    case 'refused':
      return { response_type: 'ephemeral', text: `:no_entry: ${escapeMrkdwn(result.message)}` };
    case 'error':
      return { response_type: 'ephemeral', text: `:warning: ${escapeMrkdwn(result.message)}` };
  }
}

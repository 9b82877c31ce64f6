import type { IntakeResult } from '../intake.js';
import { createContext } from '../render/render-blocks.js';
import { linkMentions } from '../render/render-mentions.js';
import { renderReportBlocks } from '../render/render-slack-blocks.js';
import { splitForMessage } from '../render/render-slack-budget.js';
import { escapeMrkdwn } from '../render/render-text.js';

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
    case 'answer': {
      // Within the same size budget as a reply message: an ack Slack refuses would show the user nothing.
      const { main, overflow } = splitForMessage(renderReportBlocks(result.report.blocks));
      const more = overflow.length === 0 ? [] : [createContext(`… ${overflow.length} more blocks do not fit here`)];
      return { response_type: 'ephemeral', text: escapeMrkdwn(result.report.title), blocks: [...main, ...more] };
    }
    case 'usage':
      return { response_type: 'ephemeral', text: `:x: ${linkMentions(escapeMrkdwn(result.message))}` };
    case 'refused':
      return { response_type: 'ephemeral', text: `:no_entry: ${linkMentions(escapeMrkdwn(result.message))}` };
    case 'error':
      return { response_type: 'ephemeral', text: `:warning: ${linkMentions(escapeMrkdwn(result.message))}` };
  }
}

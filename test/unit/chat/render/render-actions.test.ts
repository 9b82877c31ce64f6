import { describe, expect, it } from 'vitest';
import { renderConsoleReport } from '../../../../src/chat/render/render-console.js';
import { renderSlackMessage } from '../../../../src/chat/render/render-slack.js';
import type { Report } from '../../../../src/report/model.js';

const report: Report = {
  command: 'deploy',
  ok: true,
  title: 'deploy httpbackend-tenant-b: plan awaiting approval (0123456789ab)',
  blocks: [
    { kind: 'code', text: 'web: create 2' },
    { kind: 'actions', approvalId: '0123456789ab' },
  ],
};

describe('approval actions block', () => {
  it('renders Approve / Reject buttons carrying the approval id in Slack', () => {
    const message = renderSlackMessage(
      { jobId: 'j1', state: 'succeeded', commandText: '/deploy httpbackend subnet=tenant-b', userId: 'U0OPS' },
      report,
    );
    const actions = message.blocks.find((b) => b.type === 'actions');
    expect(actions).toEqual({
      type: 'actions',
      block_id: 'approval-0123456789ab',
      elements: [
        {
          type: 'button',
          action_id: 'netops_approve',
          text: { type: 'plain_text', text: 'Approve', emoji: false },
          value: '0123456789ab',
          style: 'primary',
        },
        {
          type: 'button',
          action_id: 'netops_reject',
          text: { type: 'plain_text', text: 'Reject', emoji: false },
          value: '0123456789ab',
          style: 'danger',
        },
      ],
    });
  });

  it('tells the console user how to approve or reject', () => {
    const text = renderConsoleReport(report);
    expect(text).toContain('approve with: npm run netops -- approve 0123456789ab --as <approver>');
    expect(text).toContain('reject with:  npm run netops -- reject 0123456789ab --as <user>');
  });
});

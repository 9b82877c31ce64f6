/** The form body Slack posts when a user presses a button: `payload` = a JSON `block_actions` payload. */
export function blockActionBody(fields: {
  actionId: string;
  value: string;
  userId: string;
  channelId?: string;
  messageTs?: string;
  triggerId?: string;
  /** The press's response_url (the Slack stand-in issues live ones); default: one nobody answers. */
  responseUrl?: string;
}): string {
  const channel = fields.channelId ?? 'C0OPS';
  const payload = {
    type: 'block_actions',
    team: { id: 'T0001', domain: 'example' },
    user: {
      id: fields.userId,
      username: fields.userId.toLowerCase(),
      name: fields.userId.toLowerCase(),
      team_id: 'T0001',
    },
    api_app_id: 'A0NETOPS',
    token: 'legacy-verification-token',
    container: {
      type: 'message',
      message_ts: fields.messageTs ?? '1.000001',
      channel_id: channel,
      is_ephemeral: false,
    },
    trigger_id: fields.triggerId ?? `${Date.now()}.1.abc`,
    channel: { id: channel, name: 'ops' },
    message: { type: 'message', ts: fields.messageTs ?? '1.000001', text: 'plan' },
    response_url: fields.responseUrl ?? 'https://hooks.slack.invalid/actions/T0001/1/abc',
    actions: [
      {
        action_id: fields.actionId,
        block_id: `approval-${fields.value}`,
        text: { type: 'plain_text', text: fields.actionId === 'netops_approve' ? 'Approve' : 'Reject' },
        value: fields.value,
        type: 'button',
        action_ts: String(Date.now() / 1000),
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

import { createHmac } from 'node:crypto';

/** Slack's request signature: `v0=` + HMAC-SHA256(signing secret, `v0:<timestamp>:<raw body>`). */
export function signSlackRequest(secret: string, body: string, timestampS: number): Record<string, string> {
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestampS}:${body}`).digest('hex')}`;
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(timestampS),
    'x-slack-signature': signature,
  };
}

/** The form body Slack posts for a slash command. */
export function slashCommandBody(fields: {
  command: string;
  text: string;
  triggerId: string;
  userId?: string;
  channelId?: string;
  /** The command's response_url (the Slack stand-in issues live ones); default: one nobody answers. */
  responseUrl?: string;
}): string {
  return new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: 'T0001',
    team_domain: 'example',
    channel_id: fields.channelId ?? 'C0OPS',
    channel_name: 'ops',
    user_id: fields.userId ?? 'U0ANN',
    user_name: 'ann',
    command: fields.command,
    text: fields.text,
    api_app_id: 'A0NETOPS',
    response_url: fields.responseUrl ?? 'https://hooks.slack.invalid/commands/T0001/1/abc',
    trigger_id: fields.triggerId,
  }).toString();
}

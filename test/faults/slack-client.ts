import { signSlackRequest, slashCommandBody } from '../helpers/slack-signing.js';
import { SIGNING_SECRET } from './bot-processes.js';

/** One signed slash command to a bot's HTTP receiver, as Slack sends it; status 0 when the request failed. */
export async function postSlashCommand(
  port: number,
  fields: { command: string; text: string; triggerId: string; userId?: string; channelId?: string },
  timeoutMs = 10_000,
): Promise<{ status: number; text: string; ms: number }> {
  const body = slashCommandBody(fields);
  const started = performance.now();
  try {
    const res = await fetch(`http://127.0.0.1:${port}/slack/commands`, {
      method: 'POST',
      body,
      headers: signSlackRequest(SIGNING_SECRET, body, Math.floor(Date.now() / 1000)),
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: res.status, text: await res.text(), ms: performance.now() - started };
  } catch {
    return { status: 0, text: '', ms: performance.now() - started };
  }
}

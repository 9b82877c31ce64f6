import { App, HTTPReceiver, LogLevel } from '@slack/bolt';

// The baseline of bench/ack-latency.ts: a Bolt app with the same receiver options as the bot (signature and
// timestamp checks, same endpoints) whose only work is to ack. Started as its own process, like the bot.
const port = Number(process.env.PORT);
const receiver = new HTTPReceiver({
  signingSecret: process.env.SLACK_SIGNING_SECRET ?? '',
  endpoints: ['/slack/events', '/slack/commands'],
  logLevel: LogLevel.ERROR,
});
const app = new App({
  token: 'xoxb-bare-bolt',
  tokenVerificationEnabled: false,
  botId: 'B0BARE',
  botUserId: 'U0BARE',
  receiver,
  logLevel: LogLevel.ERROR,
});
app.command(/^\/[a-z0-9-]+$/, async ({ ack }) => {
  await ack({ response_type: 'ephemeral', text: 'ok' });
});
await app.start(port);
process.stdout.write(`bare bolt listening on ${port}\n`);
process.once('SIGTERM', () => void app.stop().then(() => process.exit(0)));

import { startSlackApiStub } from '../test/helpers/slack-api-stub.js';

// The Slack Web API stand-in of bench/ack-latency.ts in its own process, so the bot's notify worker posting its
// "Queued" replies does not take CPU from the load generator that times the acks.
const slack = await startSlackApiStub();
process.stdout.write(`slack stand-in listening ${slack.url}\n`);
process.once('SIGTERM', () => void slack.close().then(() => process.exit(0)));

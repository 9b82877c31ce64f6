import { z } from 'zod';
import { entityName, httpUrl, port } from './fields.js';
import type { LoadIo } from './load-io.js';
import { secret } from './secret.js';

/** The chat front ends: Slack's HTTP receiver, Slack Socket Mode, or the console REPL. */
export const FRONT_ENDS = ['http', 'socket', 'console'] as const;

/**
 * The Slack section. `frontend` (or NETOPS_FRONTEND) names the front end; without it the secrets choose (see
 * chooseFrontEnd). When a token is not written in the file, the conventional variable (SLACK_BOT_TOKEN, …) is read
 * if set, as Bolt does.
 */
export function createSlackSchema(io: LoadIo) {
  return z
    .strictObject({
      botToken: secret(z.string().startsWith('xoxb-', { error: 'must start with xoxb-' }), io, {
        defaultEnv: 'SLACK_BOT_TOKEN',
        what: "the app's bot token (xoxb-…, OAuth & Permissions page)",
      }),
      signingSecret: secret(z.string().regex(/^\S+$/, { error: 'must not contain whitespace' }), io, {
        defaultEnv: 'SLACK_SIGNING_SECRET',
        what: "the app's signing secret (Basic Information page)",
      }),
      appToken: secret(z.string().startsWith('xapp-', { error: 'must start with xapp-' }), io, {
        defaultEnv: 'SLACK_APP_TOKEN',
        what: 'an app-level token (xapp-…) with connections:write, for Socket Mode',
      }),
      frontend: z
        .enum(FRONT_ENDS, { error: 'must be http, socket or console' })
        .optional()
        .describe('the front end (http | socket | console); NETOPS_FRONTEND overrides it; default: from the secrets'),
      botId: entityName().optional().describe("the bot's id (B…), set together with botUserId"),
      botUserId: entityName().optional().describe("the bot's user id (U…), set together with botId"),
      apiUrl: httpUrl().optional().describe('the Slack Web API base URL, e.g. https://slack.com/api/'),
      port: port().default(3000).describe('the port of the HTTP receiver'),
    })
    .prefault({});
}

/** The Redis section; without a URL the bot starts its own redis-server. */
export function createRedisSchema(io: LoadIo) {
  const redisUrl = z
    .string()
    .regex(/^rediss?:\/\/\S+$/, { error: 'must be a redis:// or rediss:// URL' })
    .refine((v) => URL.canParse(v), { error: 'must be a valid URL' });
  return z
    .strictObject({
      url: secret(redisUrl, io, { defaultEnv: 'REDIS_URL', what: 'a redis:// URL of a Redis 6.2+ server' }),
    })
    .prefault({});
}

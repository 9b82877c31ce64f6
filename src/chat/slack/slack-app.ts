import { createHash } from 'node:crypto';
import { App, type CustomRoute, HTTPReceiver, LogLevel } from '@slack/bolt';
import type { FetchFunction } from '@slack/web-api';
import type { ApprovalRequest, ApprovalResult } from '../../access/approval-actions.js';
import type { Logger } from '../../logging.js';
import type { Intake } from '../intake.js';
import { linkMentions } from '../render/render-mentions.js';
import { APPROVE_ACTION_ID, REJECT_ACTION_ID } from '../render/render-slack-blocks.js';
import { escapeMrkdwn } from '../render/render-text.js';
import { toBoltLogger } from './bolt-logger.js';
import { guardSlackRequests, RECEIVER_SERVER_OPTIONS, SLACK_BODY_LIMIT_BYTES } from './receiver-guard.js';
import { toAckResponse } from './slack-ack.js';
import { describeRespondFailure, toRespondTarget } from './slack-response-url.js';
import { createSocketModeReceivers } from './socket-mode-receivers.js';

export interface SlackAppOptions {
  mode: 'http' | 'socket';
  botToken: string;
  signingSecret?: string;
  appToken?: string;
  /** With both ids Bolt never calls auth.test while handling a request (Slack may be unreachable). */
  botId?: string;
  botUserId?: string;
  /** Web API base URL override (tests point it at a local stand-in). */
  apiUrl?: string;
  /** Transport of the app's Web API client (and Socket Mode's apps.connections.open); wrapped by the token watch. */
  fetch?: FetchFunction;
  port?: number;
  intake: Intake;
  /** Approve / Reject button presses; without it the buttons answer that approvals are not wired here. */
  decideApproval?: (req: ApprovalRequest) => Promise<ApprovalResult>;
  logger: Logger;
  customRoutes?: CustomRoute[];
  /** Socket Mode connections kept open at once. @defaultValue 2 */
  socketConnections?: number;
  /**
   * Socket Mode: commands are queued held and released once their acknowledgement went out, or withdrawn when it
   * could not (the connection was closing): Slack then shows the user the command failed, and it never runs.
   */
  heldJobs?: HeldJobs;
}

/**
 * The id of a slash command delivery: its trigger_id (unique per invocation, the same on a replay). Without one, a
 * digest of what identifies the delivery, so a replay still maps to the same job: the signature in HTTP mode
 * (an HMAC of the timestamp and the whole signed body), else the payload itself (its response_url is unique to
 * the invocation).
 */
function requestIdOf(command: Readonly<Record<string, unknown>>, signature: unknown): string {
  if (typeof command.trigger_id === 'string' && command.trigger_id !== '') return command.trigger_id;
  const basis = typeof signature === 'string' && signature !== '' ? signature : JSON.stringify(command);
  return `req-${createHash('sha256').update(basis).digest('hex').slice(0, 32)}`;
}

/** Release or withdraw a job queued with `holdMs` (see Producer.releaseHeld / withdrawHeld). */
interface HeldJobs {
  holdMs: number;
  release(jobId: string): Promise<void>;
  withdraw(jobId: string): Promise<boolean>;
}

/**
 * The Bolt app: verifies requests (HTTP: signature and timestamp, done by Bolt's receiver), hands every slash
 * command to the intake and acks with its answer. Nothing here talks to the cluster; replies to the channel
 * are posted later by the notify worker.
 */
export function createSlackApp(opts: SlackAppOptions) {
  const logger = toBoltLogger(opts.logger);
  const clientOptions = {
    ...(opts.apiUrl ? { slackApiUrl: opts.apiUrl } : {}),
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  };
  const identity = {
    token: opts.botToken,
    tokenVerificationEnabled: false,
    ...(opts.botId ? { botId: opts.botId } : {}),
    ...(opts.botUserId ? { botUserId: opts.botUserId } : {}),
  };
  let receiver: HTTPReceiver | undefined;
  let app: App;
  if (opts.mode === 'http') {
    if (!opts.signingSecret) throw new Error('HTTP mode needs a signing secret');
    const endpoints = ['/slack/events', '/slack/commands'];
    receiver = new HTTPReceiver({
      signingSecret: opts.signingSecret,
      endpoints,
      logger,
      logLevel: LogLevel.INFO,
      bodyLimit: SLACK_BODY_LIMIT_BYTES,
      // The signature of the signed body names a request without trigger_id (see requestIdOf).
      customPropertiesExtractor: (req) => ({ slackSignature: req.headers['x-slack-signature'] }),
      ...(opts.customRoutes ? { customRoutes: opts.customRoutes } : {}),
    });
    // Unsigned, oversized or out-of-time requests are refused from their headers, before the body is read.
    receiver.requestListener = guardSlackRequests(receiver.requestListener, { paths: endpoints, logger: opts.logger });
    app = new App({ ...identity, receiver, logger, clientOptions });
  } else {
    if (!opts.appToken) throw new Error('Socket Mode needs an app token');
    const receiver = createSocketModeReceivers({
      appToken: opts.appToken,
      connections: opts.socketConnections ?? 2,
      logger,
      clientOptions,
    });
    app = new App({ ...identity, receiver, logger, clientOptions });
  }

  const held = opts.mode === 'socket' ? opts.heldJobs : undefined;
  app.command(/^\/[a-z0-9-]+$/, async ({ command, ack, context }) => {
    const result = await opts.intake({
      ...(held ? { holdMs: held.holdMs } : {}),
      text: `${command.command} ${command.text ?? ''}`,
      userId: command.user_id,
      channelId: command.channel_id,
      ...(command.team_id ? { teamId: command.team_id } : {}),
      ...(command.enterprise_id ? { enterpriseId: command.enterprise_id } : {}),
      requestId: requestIdOf(command, context.slackSignature),
      // The response_url answers where the bot is not a member (private channels, DMs): kept with the job.
      reply: {
        kind: 'slack',
        channel: command.channel_id,
        ...toRespondTarget(command.response_url, 'command', Date.now()),
      },
    });
    const heldJob = held && result.kind === 'queued' && !result.duplicate ? result.jobId : undefined;
    try {
      await ack(toAckResponse(result));
    } catch (err) {
      // The acknowledgement did not go out: Slack tells the user the command failed, so it must not run.
      if (heldJob) {
        const dropped = await held?.withdraw(heldJob).catch(() => false);
        opts.logger.warn(
          { err, jobId: heldJob, dropped },
          'ack not sent (Socket Mode connection closing): job withdrawn',
        );
      }
      throw err;
    }
    if (heldJob) await held?.release(heldJob);
  });
  // Button payloads arrive on the same verified receiver as slash commands: an unsigned or tampered one is a 401.
  for (const [actionId, decision] of [
    [APPROVE_ACTION_ID, 'approve'],
    [REJECT_ACTION_ID, 'reject'],
  ] as const) {
    app.action(actionId, async ({ ack, body, action, respond }) => {
      await ack();
      if (body.type !== 'block_actions' || action.type !== 'button') return;
      const channelId = body.channel?.id;
      // Answers only the presser, through the press's own response_url: chat.postEphemeral would need the bot to
      // be a member of the channel (slackapi/node-slack-sdk#977), the response_url works anywhere.
      const answer = async (text: string) => {
        // Bolt provides respond() only when the payload carried a response_url.
        const send = respond as typeof respond | undefined;
        if (!send) return opts.logger.warn('approval button without a response_url: the presser gets no answer');
        await send({
          response_type: 'ephemeral',
          replace_original: false,
          text: linkMentions(escapeMrkdwn(text)),
        }).catch((err: unknown) =>
          opts.logger.warn({ err: describeRespondFailure(err) }, 'could not answer an approval button'),
        );
      };
      if (!opts.decideApproval || !channelId) {
        await answer('Approvals are not handled by this process.');
        return;
      }
      try {
        const press = toRespondTarget(body.response_url, 'action', Date.now());
        const result = await opts.decideApproval({
          approvalId: action.value ?? '',
          decision,
          userId: body.user.id,
          channelId,
          reply: { kind: 'slack', channel: channelId, ...press },
          ...(press.respond ? { respond: press.respond } : {}),
        });
        // A decision replaces the buttons of the plan message itself (through this press's response_url, by the
        // notify worker); a refusal, or a decision without a plan message to show it, is told to the presser.
        if (!result.ok || !result.planUpdated) await answer(result.message);
      } catch (err) {
        opts.logger.error({ err, approvalId: action.value?.slice(0, 40) }, 'approval decision failed');
        await answer('The approval could not be recorded (queue unavailable?): nothing was applied. Try again.');
      }
    });
  }
  app.error(async (err) => {
    opts.logger.error({ err }, 'bolt error');
  });

  return {
    app,
    client: app.client,
    async start(): Promise<number | undefined> {
      if (opts.mode === 'http') {
        const port = opts.port ?? 3000;
        await app.start(port, RECEIVER_SERVER_OPTIONS);
        return port;
      }
      await app.start();
      return undefined;
    },
    async stop(): Promise<void> {
      await app.stop();
    },
  };
}

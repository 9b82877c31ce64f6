import { z } from 'zod';

/**
 * A chat platform's per-request answer channel (Slack's `response_url`): usable without the bot being a member of
 * the conversation, but only until `expiresAt` and a few times. The URL is a bearer capability: it is kept in job
 * data and the job record only, and never logged (see logging.ts).
 */
const respondTargetSchema = z.object({
  url: z
    .string()
    .max(2000)
    .regex(/^https?:\/\/\S+$/),
  /** Epoch ms after which the platform refuses it. */
  expiresAt: z.number().int().nonnegative(),
  /** A command's URL replaces its own last answer; a button's URL replaces the message holding the button. */
  kind: z.enum(['command', 'action']),
});
export type RespondTarget = z.infer<typeof respondTargetSchema>;

/** Where the one reply message goes. Console replies are rendered by the process that owns the console. */
const replyTargetSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('slack'),
    channel: z.string().min(1).max(64),
    threadTs: z.string().max(32).optional(),
    /** Where to answer when the bot cannot post in the channel (not a member). */
    respond: respondTargetSchema.optional(),
  }),
  z.object({ kind: z.literal('console') }),
]);
export type ReplyTarget = z.infer<typeof replyTargetSchema>;

/**
 * Who asked. Slack user ids are unique per workspace, so the workspace (`team_id`) and, on Enterprise Grid, the
 * organisation (`enterprise_id`) of the request are kept with them (Slack Connect channels carry users of other
 * workspaces).
 */
const requesterSchema = z.object({
  userId: z.string().min(1).max(64),
  channelId: z.string().max(64).optional(),
  teamId: z.string().max(64).optional(),
  enterpriseId: z.string().max(64).optional(),
});
export type Requester = z.infer<typeof requesterSchema>;

/**
 * Data of a command job. Validated when enqueued and again in the worker, because jobs outlive deploys of the
 * bot. Holds ids and typed args only: never a secret.
 */
export const commandJobDataSchema = z.object({
  jobId: z.string().min(1).max(128),
  command: z.object({
    name: z.string().min(1).max(64),
    args: z.record(z.string(), z.unknown()),
    text: z.string().max(4000),
  }),
  requester: requesterSchema,
  reply: replyTargetSchema,
  enqueuedAt: z.number().int().nonnegative(),
  /**
   * Identity of the deployment that queued the job (deploymentIdentity of its config): a worker runs only jobs of
   * its own identity (issue 17 item 4). Optional for jobs queued by processes without one (tests, old releases);
   * a worker with an identity refuses those too.
   */
  deployment: z
    .string()
    .regex(/^[A-Za-z0-9_.:-]{1,100}$/)
    .optional(),
});
export type CommandJobData = z.infer<typeof commandJobDataSchema>;

/** A notify job only points at a job: the notify worker always renders the latest stored state. */
export const notifyJobDataSchema = z.object({
  jobId: z.string().min(1).max(128),
  final: z.boolean(),
});

/** BullMQ job name of a command job: `<area>.<action>`. */
export function commandJobName(commandName: string): string {
  return `command.${commandName}`;
}

import { z } from 'zod';
import { jobIdSchema } from '../names.js';
import { defineCommand } from './define-command.js';

/** Typed args of /cancel. */
export interface CancelArgs {
  /** The bot's job id as shown in its reply (see /jobs). */
  jobId: string;
}

/** `/cancel <job-id>` */
export const cancelSpec = defineCommand<CancelArgs>({
  name: 'cancel',
  words: ['cancel'],
  summary: 'Cancel a queued or running bot job',
  usage: '/cancel <job-id>',
  details: ["<job-id>: the id shown in the job's reply or in /jobs. SSH steps already started are stopped."],
  examples: ['/cancel 1732886400-a1b2c3'],
  execution: 'local',
  writes: false,
  positional: ['job-id'],
  options: [],
  args: z.object({ 'job-id': jobIdSchema }).transform((raw) => ({ jobId: raw['job-id'] })),
});

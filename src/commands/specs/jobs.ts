import { z } from 'zod';
import { intSchema, jobIdSchema } from '../names.js';
import { defineCommand } from './define-command.js';

/** Typed args of /jobs. */
export interface JobsArgs {
  /** Newest jobs to show. */
  limit: number;
  /** One job whose state and result to show. */
  jobId?: string;
}

/** `/jobs [job-id] [limit=N]` */
export const jobsSpec = defineCommand<JobsArgs>({
  name: 'jobs',
  words: ['jobs'],
  summary: 'Your recent bot jobs, or the state and result of one',
  usage: '/jobs [job-id] [limit=N]',
  details: [
    'limit=N: jobs to show, 1 to 50; default 10.',
    "<job-id>: that job's state and full result, answered only to you (works where the bot is not in the channel). Your own jobs; admins see any.",
  ],
  examples: ['/jobs', '/jobs limit=20', '/jobs 1732886400-a1b2c3'],
  execution: 'local',
  writes: false,
  positional: ['job-id'],
  options: ['limit'],
  args: z
    .object({ limit: intSchema(1, 50).default(10), 'job-id': jobIdSchema.optional() })
    .transform((raw) => ({ limit: raw.limit, ...(raw['job-id'] ? { jobId: raw['job-id'] } : {}) })),
});

import { z } from 'zod';
import { intSchema } from '../names.js';
import { defineCommand } from './define-command.js';

/** Typed args of /jobs. */
export interface JobsArgs {
  /** Newest jobs to show. */
  limit: number;
}

/** `/jobs [limit=N]` */
export const jobsSpec = defineCommand<JobsArgs>({
  name: 'jobs',
  words: ['jobs'],
  summary: 'Recent and running bot jobs with their state and who started them',
  usage: '/jobs [limit=N]',
  details: ['limit=N: jobs to show, 1 to 50; default 10.'],
  examples: ['/jobs', '/jobs limit=20'],
  execution: 'local',
  writes: false,
  positional: [],
  options: ['limit'],
  args: z.object({ limit: intSchema(1, 50).default(10) }),
});

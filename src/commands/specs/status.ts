import { z } from 'zod';
import { defineCommand } from './define-command.js';

/** /status takes no args. */
export type StatusArgs = Record<string, never>;

/** `/netops-status` (Slack reserves `/status`; see slash-names.ts) */
export const statusSpec = defineCommand<StatusArgs>({
  name: 'status',
  words: ['status'],
  summary: 'Cluster overview: Nomad nodes, Consul members, Weave peers and jobs per tenant',
  usage: '/netops-status',
  examples: ['/netops-status'],
  execution: 'read',
  writes: false,
  positional: [],
  options: [],
  args: z.object({}).transform((): StatusArgs => ({})),
});

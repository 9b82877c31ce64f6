import { z } from 'zod';
import { intSchema, networkSchema } from '../names.js';
import { defineCommand } from './define-command.js';

/** Typed args of /cni-bench history. */
export interface CniBenchHistoryArgs {
  network: string;
  /** Newest runs to show. */
  limit: number;
}

/** `/cni-bench history <network> [limit=N]` */
export const cniBenchHistorySpec = defineCommand<CniBenchHistoryArgs>({
  name: 'cni-bench-history',
  words: ['cni-bench', 'history'],
  summary: "Past /cni-bench runs of a network, newest first, with each run's ratings",
  usage: '/cni-bench history <network> [limit=N]',
  details: ['limit=N: runs to show, 1 to 50; default 10.'],
  examples: ['/cni-bench history weave', '/cni-bench history flannel limit=5'],
  execution: 'read',
  writes: false,
  positional: ['network'],
  options: ['limit'],
  args: z.object({ network: networkSchema, limit: intSchema(1, 50).default(10) }),
});

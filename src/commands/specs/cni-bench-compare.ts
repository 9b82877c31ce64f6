import { z } from 'zod';
import { networkSchema } from '../names.js';
import { defineCommand } from './define-command.js';

/** Typed args of /cni-bench compare. */
export interface CniBenchCompareArgs {
  network: string;
  other: string;
}

/** `/cni-bench compare <network> <other>` */
export const cniBenchCompareSpec = defineCommand<CniBenchCompareArgs>({
  name: 'cni-bench-compare',
  words: ['cni-bench', 'compare'],
  summary: 'Compare the latest /cni-bench results of two networks side by side',
  usage: '/cni-bench compare <network> <other>',
  details: ['<network>, <other>: two different networks, each benched at least once.'],
  examples: ['/cni-bench compare weave flannel'],
  execution: 'read',
  writes: false,
  positional: ['network', 'other'],
  options: [],
  args: z.object({ network: networkSchema, other: networkSchema }).refine(({ network, other }) => network !== other, {
    error: 'the same network twice: give two different networks',
  }),
});

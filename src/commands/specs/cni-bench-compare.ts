import { z } from 'zod';
import { networkSchema } from '../names.js';
import { defineCommand } from './define-command.js';

/** Typed args of /cni-bench compare. */
export interface CniBenchCompareArgs {
  network: string;
  other: string;
  /** A third network (e.g. `/cni-bench compare weave flannel routed`). */
  third?: string;
  /** Show the 2019/2020 study's published figures beside ours. */
  published: boolean;
}

/** `/cni-bench compare <network> <other> [third] [published=yes]` */
export const cniBenchCompareSpec = defineCommand<CniBenchCompareArgs>({
  name: 'cni-bench-compare',
  words: ['cni-bench', 'compare'],
  summary: 'Compare the latest /cni-bench results of two or three networks side by side, in one chart',
  usage: '/cni-bench compare <network> <other> [third] [published=yes]',
  details: [
    '<network>, <other>, [third]: different networks, each benched at least once.',
    'published=yes: add the figures the 2019/2020 CNI benchmark published for the same tests and datapaths (10 Gbit/s, MTU 9000), labelled as published with their year.',
  ],
  examples: [
    '/cni-bench compare weave flannel',
    '/cni-bench compare weave flannel routed',
    '/cni-bench compare weave flannel routed published=yes',
  ],
  execution: 'read',
  writes: false,
  positional: ['network', 'other', 'third'],
  options: ['published'],
  args: z
    .object({
      network: networkSchema,
      other: networkSchema,
      third: networkSchema.optional(),
      published: z
        .enum(['yes', 'no'], { error: 'must be yes or no' })
        .default('no')
        .transform((v) => v === 'yes'),
    })
    .refine(
      ({ network, other, third }) =>
        new Set([network, other, third].filter(Boolean)).size === [network, other, third].filter(Boolean).length,
      {
        error: 'the same network twice: give different networks',
      },
    ),
});

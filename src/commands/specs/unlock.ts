import { z } from 'zod';
import { tenantSchema } from '../names.js';
import { defineCommand } from './define-command.js';

/** Typed args of /unlock. */
export interface UnlockArgs {
  tenant: string;
}

/** `/unlock <tenant>` */
export const unlockSpec = defineCommand<UnlockArgs>({
  name: 'unlock',
  words: ['unlock'],
  summary: "Lift a tenant's deploy freeze set with /lock",
  usage: '/unlock <tenant>',
  details: ['<tenant>: the frozen tenant.'],
  examples: ['/unlock tenant-b'],
  execution: 'local',
  writes: false,
  positional: ['tenant'],
  options: [],
  args: z.object({ tenant: tenantSchema }),
});

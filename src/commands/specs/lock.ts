import { z } from 'zod';
import { tenantSchema } from '../names.js';
import { defineCommand } from './define-command.js';

/** Typed args of /lock. */
export interface LockArgs {
  tenant: string;
  reason?: string;
}

/** `/lock <tenant> [reason]` */
export const lockSpec = defineCommand<LockArgs>({
  name: 'lock',
  words: ['lock'],
  summary: "Freeze a tenant's deploys and stops until /unlock",
  usage: '/lock <tenant> [reason]',
  details: [
    '<tenant>: the tenant to freeze. Deploys and stops in it are refused, naming who locked it, when and why.',
    '[reason]: free text, quoted when it has spaces, up to 200 characters.',
  ],
  examples: ['/lock tenant-b', '/lock tenant-b "database migration until 18:00"'],
  execution: 'local',
  writes: false,
  positional: ['tenant', 'reason'],
  options: [],
  args: z.object({
    tenant: tenantSchema,
    reason: z.string().trim().min(1).max(200, { error: 'must be at most 200 characters' }).optional(),
  }),
});

import { z } from 'zod';
import { imageRefSchema, intSchema, jobNameSchema, tenantSchema } from '../names.js';
import { defineCommand } from './define-command.js';

/** Most allocations one /deploy may ask for; the lab and small clusters have a handful of hosts. */
const MAX_DEPLOY_COUNT = 20;

/** Typed args of /deploy. */
export interface DeployArgs {
  /** Job template name (`jobs/<job>.nomad.hcl`); the Nomad job is `<job>-<tenant>`. */
  job: string;
  /** Tenant whose overlay subnet the allocations join (typed as `subnet=`). */
  tenant: string;
  /** Allocations wanted; undefined keeps the template's count. */
  count?: number;
  /** Image override; undefined keeps the template's image. */
  image?: string;
}

/** `/deploy <job> subnet=<tenant> [count=N] [image=REF]` */
export const deploySpec = defineCommand<DeployArgs>({
  name: 'deploy',
  words: ['deploy'],
  summary: "Deploy a job template into a tenant's overlay subnet and register the real overlay IPs in Consul",
  usage: '/deploy <job> subnet=<tenant> [count=N] [image=REF]',
  details: [
    '<job>: a template under jobs/ (lower case, digits, _ and -).',
    'subnet=<tenant>: the tenant whose overlay subnet (WEAVE_CIDR) the allocations join. Required.',
    `count=N: allocations, 1 to ${MAX_DEPLOY_COUNT}; default: the template's count.`,
    "image=REF: Docker image reference overriding the template's image.",
    'In a tenant that needs approval (policy.approvals), the plan is posted with Approve / Reject and nothing is applied until a different user with the approver role approves (CLI: the approval id is printed, exit 0; then `npm run netops -- approve <id> --as <approver>`). Approvals expire; a job changed since the plan fails closed.',
    'One deploy or stop per job and tenant at a time; a tenant frozen with /lock refuses. A job literally named `stop` cannot be deployed: `/deploy stop …` is `/deploy stop`.',
  ],
  examples: ['/deploy httpbackend subnet=tenant-b', '/deploy httpbackend subnet=tenant-a count=2 image=nginx:1.25'],
  execution: 'write',
  writes: true,
  positional: ['job'],
  options: ['subnet', 'count', 'image'],
  args: z
    .object({
      job: jobNameSchema,
      subnet: tenantSchema,
      count: intSchema(1, MAX_DEPLOY_COUNT).optional(),
      image: imageRefSchema.optional(),
    })
    .transform(({ job, subnet, count, image }) => ({ job, tenant: subnet, count, image })),
});

import { z } from 'zod';
import { jobNameSchema, tenantSchema } from '../names.js';
import { defineCommand } from './define-command.js';

/** Typed args of /deploy stop. */
export interface DeployStopArgs {
  job: string;
  tenant: string;
}

/** `/deploy stop <job> subnet=<tenant>` */
export const deployStopSpec = defineCommand<DeployStopArgs>({
  name: 'deploy-stop',
  words: ['deploy', 'stop'],
  summary: "Stop a tenant's job and deregister its Consul services",
  usage: '/deploy stop <job> subnet=<tenant>',
  details: [
    '<job>: the template name used at deploy time; the Nomad job stopped is `<job>-<tenant>`.',
    'subnet=<tenant>: the tenant. Required.',
    'Needs an approval like /deploy where policy.approvals says so; the stop is refused if the job changed since.',
  ],
  examples: ['/deploy stop httpbackend subnet=tenant-b'],
  execution: 'write',
  writes: true,
  positional: ['job'],
  options: ['subnet'],
  args: z
    .object({ job: jobNameSchema, subnet: tenantSchema })
    .transform(({ job, subnet }) => ({ job, tenant: subnet })),
});

import { z } from 'zod';
import { type Protocol, portListSchema, protocolListSchema, workloadSchema } from '../names.js';
import { defineCommand } from './define-command.js';

/** Protocols probed when `proto=` is not given. */
const DEFAULT_PROTOCOLS: readonly Protocol[] = Object.freeze(['icmp', 'tcp']);

/** Typed args of /isolation-check. */
export interface IsolationCheckArgs {
  /** A container, Nomad job/allocation, Consul service, or `tenant:<tenant>`. */
  a: string;
  b: string;
  /** TCP/UDP ports to probe; empty means the service's own port when known, else 80. */
  ports: number[];
  protos: Protocol[];
}

/** `/isolation-check <a> <b> [port=N[,N…]] [proto=icmp,tcp[,udp]]` */
export const isolationCheckSpec = defineCommand<IsolationCheckArgs>({
  name: 'isolation-check',
  words: ['isolation-check'],
  summary: 'Probe two workloads (or two tenants) in both directions and compare with the tenant policy',
  usage: '/isolation-check <a> <b> [port=N[,N…]] [proto=icmp,tcp[,udp]]',
  details: [
    '<a>, <b>: a container, Nomad job or allocation, Consul service, or tenant:<tenant> for a whole tenant matrix.',
    "port=N[,N…]: TCP/UDP ports to probe; default: the service's own port when known, else 80.",
    `proto=…: any of icmp, tcp, udp; default ${DEFAULT_PROTOCOLS.join(',')}.`,
    'Expected: same tenant reachable, different tenants isolated. Probes run inside the containers over SSH.',
  ],
  examples: [
    '/isolation-check a1 b1',
    '/isolation-check httpbackend-tenant-a web-b port=80,8080 proto=tcp,udp',
    '/isolation-check tenant:tenant-a tenant:tenant-b',
  ],
  execution: 'ssh',
  writes: false,
  positional: ['a', 'b'],
  options: ['port', 'proto'],
  args: z
    .object({
      a: workloadSchema,
      b: workloadSchema,
      port: portListSchema.optional(),
      proto: protocolListSchema.optional(),
    })
    .refine(({ a, b }) => a !== b, { error: 'the same workload twice: give two different workloads' })
    .transform(({ a, b, port, proto }) => ({ a, b, ports: port ?? [], protos: proto ?? [...DEFAULT_PROTOCOLS] })),
});

import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { intInRange, text } from './fields.js';
import type { LoadIo } from './load-io.js';
import { createBenchSchema } from './schema-bench.js';
import { createClusterSchema } from './schema-cluster.js';
import { createHostSchema } from './schema-host.js';
import { createIsolationSchema } from './schema-isolation.js';
import { createNetworkSchema, createTenantSchema } from './schema-network.js';
import { createPolicySchema } from './schema-policy.js';
import { createRedisSchema, createSlackSchema } from './schema-slack.js';

/**
 * The whole config file. It is built per load because secret fields and paths resolve against the
 * injected environment and the config file's directory while parsing.
 */
export function createConfigSchema(io: LoadIo) {
  const jobs = z
    .strictObject({
      dir: text()
        .transform((dir) => (isAbsolute(dir) ? dir : resolve(io.configDir, dir)))
        .describe('the directory of <job>.nomad.hcl templates, relative to the config file'),
    })
    .prefault({ dir: resolve(io.cwd, 'jobs') });
  const limits = z
    .strictObject({
      sshTimeoutMs: intInRange(100, 3_600_000).default(15_000).describe('the per-command SSH timeout in ms'),
      sshOutputCapBytes: intInRange(1024, 64 * 1024 * 1024)
        .default(1024 * 1024)
        .describe('the cap on captured SSH output in bytes'),
      sshConcurrencyPerHost: intInRange(1, 64).default(8).describe('the number of SSH sessions per host at once'),
    })
    .prefault({});
  const list = <T extends z.ZodType>(item: T, what: string) =>
    z.array(item, { error: `must be a list of ${what}` }).default([]);
  return z.strictObject({
    redis: createRedisSchema(io).describe('the redis section'),
    slack: createSlackSchema(io).describe('the slack section'),
    clusters: z
      .array(createClusterSchema(io), { error: 'must be a list of clusters' })
      .min(1, { error: 'must list at least one cluster' })
      .describe('a list with at least one cluster: - { name, nomad: { address }, consul: { address } }'),
    hosts: list(createHostSchema(io), 'hosts').describe('the list of SSH hosts'),
    networks: list(createNetworkSchema(), 'networks').describe('the list of networks'),
    tenants: list(createTenantSchema(io), 'tenants').describe('the list of tenants'),
    jobs: jobs.describe('the jobs section'),
    limits: limits.describe('the limits section'),
    isolation: createIsolationSchema().describe('the isolation section'),
    bench: createBenchSchema().describe('the bench section (images, HTTP payload)'),
    policy: createPolicySchema().optional().describe('the policy section (roles, users, groups, channels, approvals)'),
  });
}

type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

type ParsedConfig = z.output<ReturnType<typeof createConfigSchema>>;

/** The loaded configuration: secrets resolved to strings, paths absolute, defaults applied, deep-frozen. */
export type Config = DeepReadonly<ParsedConfig>;
/** One cluster of the config. */
export type ClusterConfig = Config['clusters'][number];
/** One SSH host; `privateKey` holds the key text read from `keyFile` (a secret). */
export type HostConfig = Config['hosts'][number];
/** One network (overlay or host). */
export type NetworkConfig = Config['networks'][number];
/** One tenant. */
export type TenantConfig = Config['tenants'][number];

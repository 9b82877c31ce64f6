import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import type { z } from 'zod';
import type { createConfigSchema } from '../../src/config/schema.js';

const ROOT = resolve(import.meta.dirname, '../..');

/** A config file as written (secrets as `{ env: NAME }`, defaults not applied): what the schema accepts. */
export type ConfigFile = z.input<ReturnType<typeof createConfigSchema>>;
type Policy = NonNullable<ConfigFile['policy']>;
type Host = NonNullable<ConfigFile['hosts']>[number];

/**
 * The example config (config/netops.example.yaml) as an object, with `jobs.dir` made absolute so the file can be
 * written anywhere. Each call reads it afresh: builders below return edited copies.
 */
export function exampleConfig(): ConfigFile {
  const config = parse(readFileSync(join(ROOT, 'config/netops.example.yaml'), 'utf8')) as ConfigFile;
  return { ...config, jobs: { ...config.jobs, dir: join(ROOT, 'jobs') } };
}

/**
 * A Slack section pointing at an API stand-in, with the bot's ids set (so Bolt never calls auth.test for them)
 * and the bot token and signing secret read from SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET.
 */
export function withSlack(config: ConfigFile, slack: { apiUrl: string; port?: number }): ConfigFile {
  return {
    ...config,
    slack: {
      botToken: { env: 'SLACK_BOT_TOKEN' },
      signingSecret: { env: 'SLACK_SIGNING_SECRET' },
      botId: 'B0NETOPS',
      botUserId: 'U0NETOPS',
      apiUrl: slack.apiUrl,
      ...(slack.port === undefined ? {} : { port: slack.port }),
    },
  };
}

/** The example's policy with these users given these roles (e.g. `{ U0ANN: ['admin'] }`). */
export function withPolicyUsers(config: ConfigFile, users: Record<string, string[]>): ConfigFile {
  const policy = config.policy ?? ({} as Policy);
  return { ...config, policy: { ...policy, users: { ...policy.users, ...users } } as Policy };
}

/** A policy of its own instead of the example's: these users, and channel C0OPS, may run everything everywhere. */
export function withOpenPolicy(config: ConfigFile, users: readonly string[]): ConfigFile {
  const everything = { commands: ['*'], tenants: ['*'] };
  return {
    ...config,
    policy: {
      roles: { ops: everything },
      channels: { C0OPS: everything },
      users: Object.fromEntries(users.map((u) => [u, ['ops']])),
    } as Policy,
  };
}

/**
 * The first cluster's Nomad (address, client timeout) and Consul: a stand-in Consul is dialled directly
 * (`consul.access: direct`), not through the hosts' SSH.
 */
export function withCluster(
  config: ConfigFile,
  opts: { nomadAddress?: string | undefined; consulAddress?: string | undefined; nomadTimeoutMs?: number | undefined },
): ConfigFile {
  const [first, ...rest] = config.clusters ?? [];
  if (!first) throw new Error('the config has no cluster to edit');
  const nomad = {
    ...first.nomad,
    ...(opts.nomadAddress ? { address: opts.nomadAddress } : {}),
    ...(opts.nomadTimeoutMs ? { timeoutMs: opts.nomadTimeoutMs } : {}),
  };
  const consul = opts.consulAddress
    ? { ...first.consul, address: opts.consulAddress, access: 'direct' as const }
    : first.consul;
  return { ...config, clusters: [{ ...first, nomad, consul }, ...rest] };
}

/** These SSH hosts instead of the example's. */
export function withHosts(config: ConfigFile, hosts: Host[]): ConfigFile {
  return { ...config, hosts };
}

/** Writes the config as YAML; returns the file's path. */
export function writeConfigFile(file: string, config: ConfigFile): string {
  writeFileSync(file, stringify(config));
  return file;
}

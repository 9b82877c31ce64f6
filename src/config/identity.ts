import { createHash } from 'node:crypto';
import type { Config } from './schema.js';

/**
 * The identity of a deployment (issue 17 item 4): a fingerprint of the cluster section, the part of the config
 * that decides where a job acts. Two processes with the same clusters (names, Nomad and Consul addresses,
 * region, namespace, datacenter) are one deployment and may take each other's jobs; any other pair may not.
 * Tokens are left out on purpose: a rotated token does not make another cluster, and a hash of a secret is not
 * something to store in every job.
 */
export function deploymentIdentity(config: Pick<Config, 'clusters'>): string {
  const clusters = config.clusters.map((c) => {
    const nomad = c.nomad as { address: string; region?: string; namespace?: string };
    const consul = c.consul as { address: string; datacenter?: string };
    return [c.name, nomad.address, nomad.region ?? '', nomad.namespace ?? '', consul.address, consul.datacenter ?? ''];
  });
  const digest = createHash('sha256').update(JSON.stringify(clusters)).digest('hex');
  return `clusters:${digest.slice(0, 16)}`;
}

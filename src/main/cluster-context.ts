import { createNomadClient } from '../clients/nomad/index.js';
import { createSshPool, type SshHost } from '../clients/ssh/index.js';
import { type Config, clusterFor } from '../config/index.js';
import type { Logger } from '../logging.js';
import type { ClusterContext, ClusterHost } from '../net/cluster.js';
import { withSshAudit } from './audited-ssh.js';
import { createConsulAccess } from './consul-access.js';

/**
 * Builds the clients of the cluster commands from config: Nomad (undici), Consul (as `consul.access` says: through
 * each host's SSH connection or directly, one client per host agent), one pooled SSH connection per host with pinned keys. Nothing connects until used.
 */
export function createClusterContext(config: Config, logger: Logger): ClusterContext & { close(): Promise<void> } {
  const cluster = clusterFor(config);
  const nomadWith = (namespace: string | undefined, token: string | undefined) =>
    createNomadClient({
      address: cluster.nomad.address,
      ...(cluster.nomad.region ? { region: cluster.nomad.region } : {}),
      ...(namespace ? { namespace } : {}),
      ...(token ? { token } : {}),
      timeoutMs: cluster.nomad.timeoutMs,
      logger,
    });
  const nomad = nomadWith(cluster.nomad.namespace, cluster.nomad.token);
  // A tenant with its own namespace or token writes with those rights, never with the cluster's token.
  const tenantNomads = new Map(
    config.tenants
      .filter((t) => t.nomad?.namespace || t.nomad?.token)
      .map(
        (t) =>
          [
            t.name,
            nomadWith(t.nomad?.namespace ?? cluster.nomad.namespace, t.nomad?.token ?? cluster.nomad.token),
          ] as const,
      ),
  );
  const sshHosts: SshHost[] = [];
  for (const h of config.hosts) {
    const auth = h.privateKey ? { privateKey: h.privateKey } : { agent: process.env.SSH_AUTH_SOCK };
    if (!h.privateKey && !process.env.SSH_AUTH_SOCK) {
      logger.warn(
        { host: h.name },
        'host uses ssh-agent (agent: true) but SSH_AUTH_SOCK is not set: SSH to it will fail',
      );
    }
    sshHosts.push({ name: h.name, address: h.address, port: h.port, user: h.user, hostKey: h.hostKey, ...auth });
  }
  // Every command run for a job leaves an audit record (host, template, exit code) through the job's audit scope.
  const ssh = withSshAudit(
    createSshPool({
      hosts: sshHosts,
      connectTimeoutMs: 10_000,
      commandTimeoutMs: config.limits.sshTimeoutMs,
      outputCapBytes: config.limits.sshOutputCapBytes,
      concurrencyPerHost: config.limits.sshConcurrencyPerHost,
      logger,
    }),
  );
  const hosts: ClusterHost[] = config.hosts.map((h) => ({ name: h.name, address: h.address }));
  return {
    nomad,
    ...createConsulAccess(cluster, hosts, ssh, logger),
    ssh,
    hosts,
    nomadForTenant: (tenant) => tenantNomads.get(tenant),
    close: () => ssh.close(),
  };
}

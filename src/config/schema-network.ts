import { z } from 'zod';
import { WEAVE_PROXY_SOCKET } from '../net/weave-proxy.js';
import { cidr, entityName, intInRange, tenantName, text } from './fields.js';
import type { LoadIo } from './load-io.js';
import { secret } from './secret.js';

/** The overlay or host networks containers can be attached to. */
export function createNetworkSchema() {
  return z.strictObject({
    name: entityName().describe('a network name'),
    kind: z
      .enum(['weave', 'flannel', 'routed', 'host', 'docker-network'], {
        error: 'must be one of weave, flannel, routed, host, docker-network',
      })
      .describe('the kind of network {name}'),
    attach: z
      .enum(['proxy', 'plugin', 'host', 'docker-network'], {
        error: 'must be one of proxy, plugin, host, docker-network',
      })
      .describe('how containers join network {name}'),
    dockerNetwork: text().optional().describe('the docker network name of network {name}'),
    interface: text()
      .optional()
      .describe(
        'the interface name inside containers on network {name} (optional: the bench finds it from the address)',
      ),
    proxySocket: z
      .string()
      .regex(/^(unix:\/\/\/[A-Za-z0-9._/-]+|tcp:\/\/[A-Za-z0-9.-]+:[0-9]{1,5})$/, {
        error: 'must be a Docker host address like unix:///var/run/weave/weave.sock or tcp://127.0.0.1:12375',
      })
      .default(WEAVE_PROXY_SOCKET)
      .describe(
        'the Weave proxy socket the bot starts containers of network {name} through (attach: proxy; `weave env` prints it)',
      ),
    range: cidr().optional().describe('the address range of network {name}, e.g. 10.32.0.0/16'),
    mtu: intInRange(576, 65535).describe('the expected MTU of network {name}'),
  });
}

/**
 * A tenant: an overlay subnet whose workloads may reach each other and nothing else. With `nomad`, the tenant's
 * writes use its own Nomad namespace and ACL token instead of the cluster's, so a job runs with the tenant's rights.
 */
export function createTenantSchema(io: LoadIo) {
  const nomad = z.strictObject({
    namespace: text().optional().describe('the Nomad namespace of tenant {name}'),
    token: secret(z.string().regex(/^\S+$/, { error: 'must not contain whitespace' }), io, {
      what: "the tenant's Nomad ACL token secret id",
    }),
  });
  return z.strictObject({
    name: tenantName().describe('a tenant name'),
    subnet: cidr().describe('the subnet of tenant {name}, e.g. 10.32.1.0/24'),
    network: entityName().describe('the network tenant {name} lives on'),
    nomad: nomad.optional().describe('the nomad section of tenant {name}: { namespace, token }'),
  });
}

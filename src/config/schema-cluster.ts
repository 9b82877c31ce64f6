import { z } from 'zod';
import { entityName, httpUrl, intInRange, port, text } from './fields.js';
import type { LoadIo } from './load-io.js';
import { secret } from './secret.js';

const aclToken = z.string().regex(/^\S+$/, { error: 'must not contain whitespace' });

/** One Nomad + Consul cluster the bot manages. */
export function createClusterSchema(io: LoadIo) {
  const nomad = z.strictObject({
    address: httpUrl().describe('the Nomad HTTP API address of cluster {name}, e.g. http://127.0.0.1:4646'),
    region: text().default('global').describe('the Nomad region of cluster {name}'),
    namespace: text().default('default').describe('the Nomad namespace of cluster {name}'),
    datacenter: text()
      .optional()
      .describe('the Nomad datacenter of cluster {name} (checked at start and in /status: it must have nodes)'),
    token: secret(aclToken, io, { what: 'a Nomad ACL token secret id' }),
    timeoutMs: intInRange(100, 600_000).default(10_000).describe('the Nomad request timeout of cluster {name} in ms'),
  });
  const consul = z.strictObject({
    // Consul's default client_addr is 127.0.0.1: an agent's HTTP API and DNS answer on its host's loopback only
    // (hashicorp/consul v1.19.2 agent/config/default.go `client_addr = "127.0.0.1"`). `ssh` reaches them there
    // through the bot's SSH connection to each host; `direct` needs agents an operator bound to a routable address.
    access: z
      .enum(['ssh', 'direct'])
      .default('ssh')
      .describe(
        'how the bot reaches the Consul agents of cluster {name}: ssh (through each host, Consul default) or direct',
      ),
    address: httpUrl()
      .default('http://127.0.0.1:8500')
      .describe(
        'the Consul HTTP address of cluster {name}: with access ssh as each host sees its agent (http://127.0.0.1:8500), with direct the address the bot dials',
      ),
    datacenter: text().optional().describe('the Consul datacenter of cluster {name}'),
    token: secret(aclToken, io, { what: 'a Consul ACL token secret id' }),
    agentPort: port()
      .default(8500)
      .describe('the HTTP port of the Consul agent on each host of cluster {name} (access direct)'),
    dnsPort: port().default(8600).describe('the DNS port of the Consul agents of cluster {name}'),
    domain: text().default('consul').describe('the Consul DNS domain of cluster {name}'),
  });
  return z.strictObject({
    name: entityName().describe('a cluster name'),
    nomad: nomad.describe('the nomad section of cluster {name}: { address: http://…:4646 }'),
    consul: consul.describe('the consul section of cluster {name}: { access: ssh, address: http://127.0.0.1:8500 }'),
  });
}

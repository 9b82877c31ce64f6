import { buildCommand, type SshPool } from '../../clients/ssh/index.js';
import { ErrorCode, isNetopsError } from '../../errors.js';
import type { Endpoint } from './types.js';

/** An address on Docker's default bridge, as `docker inspect -f '{{.NetworkSettings.IPAddress}}'` prints it. */
const BRIDGE_IP = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** The containers whose docker0 address matters: those sharing a host with another endpoint's container. */
export function selectSharedHostContainers(endpoints: readonly Endpoint[]): Array<{ host: string; container: string }> {
  const byHost = new Map<string, Set<string>>();
  for (const e of endpoints) byHost.set(e.host, (byHost.get(e.host) ?? new Set()).add(e.container));
  return [...byHost].flatMap(([host, names]) =>
    names.size > 1 ? [...names].sort().map((container) => ({ host, container })) : [],
  );
}

type Lookup = { ip: string | null } | { failed: string };

async function lookupBridgeIp(
  ssh: Pick<SshPool, 'run'>,
  host: string,
  container: string,
  opts: { signal: AbortSignal; timeoutMs: number },
): Promise<Lookup> {
  try {
    const res = await ssh.run(host, buildCommand('docker.inspect.bridgeIp', { container }), opts);
    const out = res.stdout.trim();
    if (res.code !== 0) {
      const why = res.stderr.trim().split('\n')[0] || `exit ${res.code}`;
      return { failed: `docker inspect ${container} on ${host}: ${why}` };
    }
    // Docker prints an empty line for a container not on the default bridge (`--net=weave`, `--net=host`).
    if (out === '' || out === '<no value>') return { ip: null };
    return BRIDGE_IP.test(out)
      ? { ip: out }
      : { failed: `docker inspect ${container} on ${host}: unexpected "${out}"` };
  } catch (err) {
    if (opts.signal.aborted || (isNetopsError(err) && err.code === ErrorCode.Cancelled)) throw err;
    return { failed: isNetopsError(err) && err.userMessage ? err.userMessage : (err as Error).message };
  }
}

/**
 * Adds each endpoint's docker0 address (or why it is unknown) where another endpoint shares its host: Docker's
 * default bridge is a second path between such containers, whatever their Weave subnets. One `docker inspect`
 * per container, all at once; hosts already known down are not asked.
 */
export async function addBridgeAddresses(
  ssh: Pick<SshPool, 'run'>,
  endpoints: readonly Endpoint[],
  opts: { signal: AbortSignal; timeoutMs: number; downHosts?: ReadonlySet<string> },
): Promise<Endpoint[]> {
  const wanted = selectSharedHostContainers(endpoints).filter((c) => !opts.downHosts?.has(c.host));
  const found = await Promise.all(wanted.map((c) => lookupBridgeIp(ssh, c.host, c.container, opts)));
  const byKey = new Map(wanted.map((c, i) => [`${c.host}\u0000${c.container}`, found[i]!]));
  return endpoints.map((e) => {
    const hit = byKey.get(`${e.host}\u0000${e.container}`);
    if (!hit) return e;
    if ('failed' in hit) return { ...e, bridgeLookupError: hit.failed };
    return hit.ip ? { ...e, bridgeIp: hit.ip } : e;
  });
}

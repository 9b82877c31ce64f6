import { type NomadClient, nodeAddressOf } from '../../clients/nomad/index.js';
import { describeForUser } from '../../errors.js';
import type { ClusterHost } from '../cluster.js';

/** Where each allocation runs, as a configured host, or why it could not be told. */
export interface AllocPlacement {
  allocId: string;
  /** The Nomad node's name (its hostname), for messages. */
  nodeName: string;
  host?: ClusterHost;
  problem?: string;
}

/**
 * Maps allocations to configured hosts through their node's address: an allocation stub carries only NodeID and
 * NodeName, and a node's name is its hostname, which need not be what the config calls the host; `GET
 * /v1/node/:id` gives the node's HTTPAddr, whose host part (the stub's Address) is matched against `hosts[].address`.
 * A node whose name equals a configured host name also matches when its address does not.
 */
export async function mapAllocationsToHosts(
  nomad: Pick<NomadClient, 'readNode'>,
  hosts: readonly ClusterHost[],
  allocs: ReadonlyArray<{ ID: string; NodeID?: string | null; NodeName?: string | null }>,
  signal: AbortSignal,
): Promise<AllocPlacement[]> {
  const nodes = new Map<string, Promise<{ address?: string; error?: string }>>();
  const lookup = (nodeId: string) => {
    let found = nodes.get(nodeId);
    if (!found) {
      found = nomad.readNode(nodeId, { signal }).then(
        (n) => ({ address: nodeAddressOf(n) }),
        (err: unknown) => ({ error: describeForUser(err, nodeId) }),
      );
      nodes.set(nodeId, found);
    }
    return found;
  };
  return Promise.all(
    allocs.map(async (a): Promise<AllocPlacement> => {
      const nodeName = a.NodeName ?? '?';
      if (!a.NodeID) return { allocId: a.ID, nodeName, problem: 'the allocation names no node' };
      const node = await lookup(a.NodeID);
      const host =
        hosts.find((h) => node.address !== undefined && h.address === node.address) ??
        hosts.find((h) => h.name === a.NodeName);
      if (host) return { allocId: a.ID, nodeName, host };
      const why = node.error
        ? `its node ${nodeName} could not be read (${node.error})`
        : `its node ${nodeName} (address ${node.address ?? '?'}) is not a configured host (hosts: ${hosts.map((h) => `${h.name}=${h.address}`).join(', ')})`;
      return { allocId: a.ID, nodeName, problem: why };
    }),
  );
}

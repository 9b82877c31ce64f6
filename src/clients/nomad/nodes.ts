import { z } from 'zod';
import type { CallOptions, NomadHttp } from './http.js';
import { encodePathSegment } from './http.js';
import { type NodeDetail, type NodeStub, nodeDetailSchema, nodeStubSchema } from './types.js';

/** Node endpoints. */
export interface NomadNodesApi {
  /** `GET /v1/nodes`: every client node (stub form). */
  listNodes(opts?: CallOptions): Promise<NodeStub[]>;
  /** `GET /v1/node/:id`: one node; `Address` is the host part of its advertised HTTP address. */
  readNode(id: string, opts?: CallOptions): Promise<NodeDetail>;
}

/** Builds the node endpoints on top of the shared HTTP core. */
export function createNodesApi(http: NomadHttp): NomadNodesApi {
  return {
    async listNodes(opts = {}) {
      const res = await http.call({
        name: 'nomad.nodes.list',
        method: 'GET',
        path: '/nodes',
        schema: z.array(nodeStubSchema),
        signal: opts.signal,
      });
      return res.value;
    },
    async readNode(id, opts = {}) {
      const res = await http.call({
        name: 'nomad.nodes.read',
        method: 'GET',
        path: `/node/${encodePathSegment(id)}`,
        schema: nodeDetailSchema,
        signal: opts.signal,
      });
      return res.value;
    },
  };
}

/**
 * A node's address as the list stub has it: the host part of its HTTPAddr (Node.Stub's net.SplitHostPort,
 * nomad/structs/structs.go:2296-2300), else the fingerprinted `unique.network.ip-address`.
 */
export function nodeAddressOf(node: Pick<NodeDetail, 'HTTPAddr' | 'Attributes'>): string | undefined {
  const http = node.HTTPAddr ?? '';
  const host = http.startsWith('[') ? http.slice(1, http.indexOf(']')) : http.replace(/:\d+$/, '');
  return host || node.Attributes?.['unique.network.ip-address'] || undefined;
}

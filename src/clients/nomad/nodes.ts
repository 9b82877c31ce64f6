import { z } from 'zod';
import type { CallOptions, NomadHttp } from './http.js';
import { type NodeStub, nodeStubSchema } from './types.js';

/** Node endpoints. */
export interface NomadNodesApi {
  /** `GET /v1/nodes`: every client node (stub form). */
  listNodes(opts?: CallOptions): Promise<NodeStub[]>;
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
  };
}

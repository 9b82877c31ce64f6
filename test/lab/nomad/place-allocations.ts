/** A node as the scheduler sees it: what is already placed there. */
export interface NodeLoad {
  nodeId: string;
  allocCount: number;
  usedMemoryMB: number;
  memoryCapacityMB: number;
  usedPorts: ReadonlySet<number>;
}

/** What one allocation of the group needs. */
export interface PlacementAsk {
  count: number;
  memoryMB: number;
  reservedPorts: readonly { Label: string; Value: number }[];
}

/** Nomad's AllocationMetric for a task group that could not be fully placed (`FailedTGAllocs.<tg>`). */
interface AllocationMetric {
  NodesEvaluated: number;
  NodesFiltered: number;
  NodesInPool: number;
  NodesAvailable: Record<string, number>;
  ClassFiltered: null;
  ConstraintFiltered: null;
  NodesExhausted: number;
  ClassExhausted: null;
  DimensionExhausted: Record<string, number>;
  QuotaExhausted: null;
  ResourcesExhausted: null;
  ScoreMetaData: null;
  AllocationTime: number;
  CoalescedFailures: number;
}

export interface PlacementResult {
  /** Node id per placed allocation, in placement order. */
  nodeIds: string[];
  failed: number;
  /** Set when `failed > 0`. */
  metric?: AllocationMetric;
}

/**
 * Spreads `count` allocations over nodes, least-loaded first (fewest allocations; ties keep the input order), like
 * Nomad's spread on a small cluster. A node is exhausted when the memory would exceed its capacity or a
 * reserved (static) port is taken. Pure: the caller applies the result.
 */
export function placeAllocations(nodes: readonly NodeLoad[], ask: PlacementAsk, datacenter = 'dc1'): PlacementResult {
  const loads = nodes.map((n) => ({ ...n, usedPorts: new Set(n.usedPorts) }));
  const nodeIds: string[] = [];
  let failed = 0;
  const exhausted: Record<string, number> = {};
  for (let i = 0; i < ask.count; i++) {
    const candidates = [...loads].sort((a, b) => a.allocCount - b.allocCount);
    const fitting = candidates.find((n) => !exhaustedDimension(n, ask));
    if (!fitting) {
      failed += 1;
      if (failed === 1) {
        for (const n of loads) {
          const dim = exhaustedDimension(n, ask) as string;
          exhausted[dim] = (exhausted[dim] ?? 0) + 1;
        }
      }
      continue;
    }
    fitting.allocCount += 1;
    fitting.usedMemoryMB += ask.memoryMB;
    for (const port of ask.reservedPorts) fitting.usedPorts.add(port.Value);
    nodeIds.push(fitting.nodeId);
  }
  if (failed === 0) return { nodeIds, failed };
  return {
    nodeIds,
    failed,
    metric: {
      NodesEvaluated: nodes.length,
      NodesFiltered: 0,
      NodesInPool: nodes.length,
      NodesAvailable: { [datacenter]: nodes.length },
      ClassFiltered: null,
      ConstraintFiltered: null,
      NodesExhausted: nodes.length,
      ClassExhausted: null,
      DimensionExhausted: exhausted,
      QuotaExhausted: null,
      ResourcesExhausted: null,
      ScoreMetaData: null,
      AllocationTime: 46_415,
      CoalescedFailures: failed - 1,
    },
  };
}

function exhaustedDimension(node: NodeLoad, ask: PlacementAsk): string | undefined {
  if (node.usedMemoryMB + ask.memoryMB > node.memoryCapacityMB) return 'memory';
  const taken = ask.reservedPorts.find((p) => node.usedPorts.has(p.Value));
  return taken === undefined ? undefined : `network: reserved port collision ${taken.Label}=${taken.Value}`;
}

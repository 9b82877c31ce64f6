import { stringifySorted } from '../nomad/http/stable-ids.js';
import { StateIndex } from '../nomad/http/state-index.js';
import type { ServiceDefinition } from './service-definition.js';

type AgentService = Omit<ServiceDefinition, 'checks'>;
interface AgentCheck {
  CheckID: string;
  Status: string;
  ServiceID: string;
  [key: string]: unknown;
}

/** What an agent pushes to the catalog: its node and its full local state (anti-entropy, simplified). */
export interface NodeSync {
  Node: string;
  ID: string;
  Address: string;
  Datacenter: string;
  Services: AgentService[];
  Checks: AgentCheck[];
}

interface Indexed<T> {
  value: T;
  json: string;
  createIndex: number;
  modifyIndex: number;
}

interface NodeEntry {
  ID: string;
  Node: string;
  Address: string;
  Datacenter: string;
  lastSeenMs: number;
  alive: boolean;
  createIndex: number;
  modifyIndex: number;
  services: Map<string, Indexed<AgentService>>;
  checks: Map<string, Indexed<AgentCheck>>;
}

/** An instance of a service with its node and checks (the shape health and DNS work from). */
export interface ServiceInstance {
  node: NodeEntry;
  service: Indexed<AgentService>;
  checks: Record<string, unknown>[];
}

/**
 * The shared catalog: one entry per agent node with that agent's services and checks, each with
 * Create/ModifyIndex, and one raft-like index for blocking queries. A node not heard from within
 * `aliveMs` gets a critical `serfHealth` check, like a failed Serf member.
 */
export class CatalogState {
  readonly index = new StateIndex(1);
  readonly nodes = new Map<string, NodeEntry>();

  constructor(private readonly aliveMs = 15_000) {}

  /** Applies an agent's sync; bumps the index only when something changed. */
  applySync(sync: NodeSync, nowMs = Date.now()): void {
    let node = this.nodes.get(sync.Node);
    let changed = false;
    if (!node || node.Address !== sync.Address || !node.alive) {
      const index = this.index.value + 1;
      node = {
        ID: sync.ID,
        Node: sync.Node,
        Address: sync.Address,
        Datacenter: sync.Datacenter,
        lastSeenMs: nowMs,
        alive: true,
        createIndex: node?.createIndex ?? index,
        modifyIndex: index,
        services: node?.services ?? new Map(),
        checks: node?.checks ?? new Map(),
      };
      this.nodes.set(sync.Node, node);
      changed = true;
    }
    node.lastSeenMs = nowMs;
    changed = reconcile(node.services, sync.Services, (s) => s.ID, this.index.value + 1) || changed;
    changed = reconcile(node.checks, sync.Checks, (c) => c.CheckID, this.index.value + 1) || changed;
    if (changed) this.index.bump();
  }

  /** Marks nodes that stopped syncing as failed (and recovered ones alive again via applySync). */
  expireNodes(nowMs = Date.now()): void {
    for (const node of this.nodes.values()) {
      if (node.alive && nowMs - node.lastSeenMs > this.aliveMs) {
        node.alive = false;
        node.modifyIndex = this.index.bump();
      }
    }
  }

  /** Every registered instance of a service, in node order. */
  instancesOf(serviceName: string): ServiceInstance[] {
    const result: ServiceInstance[] = [];
    for (const node of [...this.nodes.values()].sort((a, b) => a.Node.localeCompare(b.Node))) {
      for (const service of node.services.values()) {
        if (service.value.Service !== serviceName) continue;
        const checks = [...node.checks.values()]
          .filter((c) => c.value.ServiceID === service.value.ID)
          .map((c) => ({ ...c.value, CreateIndex: c.createIndex, ModifyIndex: c.modifyIndex }));
        result.push({ node, service, checks: [this.serfHealth(node), ...checks] });
      }
    }
    return result;
  }

  /** The node-level `serfHealth` check. */
  serfHealth(node: NodeEntry): Record<string, unknown> {
    return {
      Node: node.Node,
      CheckID: 'serfHealth',
      Name: 'Serf Health Status',
      Status: node.alive ? 'passing' : 'critical',
      Notes: '',
      Output: node.alive ? 'Agent alive and reachable' : 'Agent not live or unreachable',
      ServiceID: '',
      ServiceName: '',
      ServiceTags: [],
      Type: '',
      // Made by the leader without a check type (agent/consul/leader.go `handleAliveMember`): no interval or
      // timeout, and an empty Definition (every HealthCheckDefinition field is omitempty).
      Interval: '',
      Timeout: '',
      ExposedPort: 0,
      Definition: {},
      CreateIndex: node.createIndex,
      ModifyIndex: node.modifyIndex,
    };
  }
}

function reconcile<T>(current: Map<string, Indexed<T>>, incoming: T[], idOf: (v: T) => string, index: number): boolean {
  let changed = false;
  const seen = new Set<string>();
  for (const value of incoming) {
    const id = idOf(value);
    seen.add(id);
    const json = stringifySorted(value);
    const existing = current.get(id);
    if (existing?.json === json) continue;
    current.set(id, { value, json, createIndex: existing?.createIndex ?? index, modifyIndex: index });
    changed = true;
  }
  for (const id of [...current.keys()]) {
    if (!seen.has(id)) {
      current.delete(id);
      changed = true;
    }
  }
  return changed;
}

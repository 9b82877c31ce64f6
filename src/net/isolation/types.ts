/** How a workload name was found. */
export type ResolvedVia = 'container' | 'nomad-job' | 'nomad-allocation' | 'consul-service' | 'tenant';

/**
 * One member of a check: a container on a host with one overlay address and the tenant that address belongs to.
 * A container with addresses in two tenants yields two endpoints (one per tenant), so a bridge between tenants
 * shows up as a pair of its own rather than being averaged away.
 */
export interface Endpoint {
  /** Unique label within a check: the workload name, with `@<tenant>` when one workload spans tenants. */
  label: string;
  /** The name the user gave (or `tenant:<name>`). */
  workload: string;
  host: string;
  /** Container name (Docker allows exec by name or ID). */
  container: string;
  ip: string;
  /** Tenant whose subnet holds `ip`; null when no configured tenant does. */
  tenant: string | null;
  /** The workload's own service port when Nomad or Consul told us. */
  servicePort?: number;
  via: ResolvedVia;
  /**
   * The container's address on Docker's default bridge (`docker inspect` NetworkSettings.IPAddress), looked up
   * only when another endpoint shares its host: docker0 joins every container of a host whatever its tenant.
   */
  bridgeIp?: string;
  /** Why the default-bridge address could not be read (then that path cannot be judged). */
  bridgeLookupError?: string;
}

/** Reachability as expected from policy or as observed by probes. */
export type Reachability = 'reachable' | 'isolated' | 'unknown';

/** pass: observed as expected; leak: expected isolated, observed reachable; break: the reverse. */
export type Verdict = 'pass' | 'leak' | 'break' | 'unknown';

type ProbeProto = 'icmp' | 'tcp' | 'udp';

/** What to probe from every source towards every target. */
export interface ProbeSpec {
  proto: ProbeProto;
  /** null for ICMP. */
  port: number | null;
}

/** The outcome of one probe after its retry. */
export interface ProbeResult {
  proto: ProbeProto;
  port: number | null;
  /** True when the probe got through (connected, answered, or the target's host refused the port). */
  ok: boolean;
  /**
   * reachable / isolated are conclusive; `inconclusive` is a UDP probe that neither got an answer nor an ICMP
   * error (open or filtered: UDP cannot tell); `unknown` means the probe could not run (SSH, docker).
   */
  outcome: 'reachable' | 'isolated' | 'inconclusive' | 'unknown';
  rttMs: number | null;
  attempts: number;
  /** Short human reason, e.g. `no reply within 1 s`, `ssh to u3 failed: ECONNREFUSED`. */
  detail: string;
}

/** A second path between two containers on one host: their addresses on Docker's default bridge. */
export interface BridgePathResult {
  /** The target's docker0 address. */
  ip: string;
  observed: Reachability;
  probes: ProbeResult[];
  /** Why the path's observation is unknown, when it is. */
  reason?: string;
}

/** One directed pair with its probes and verdict. */
export interface PairResult {
  from: string;
  to: string;
  fromTenant: string | null;
  toTenant: string | null;
  toIp: string;
  expected: Reachability;
  observed: Reachability;
  verdict: Verdict;
  probes: ProbeResult[];
  /** Why the observation is unknown or partial, when it is. */
  reason?: string;
  /** The docker0 path, for two containers on one host that are both on Docker's default bridge. */
  bridge?: BridgePathResult;
  /** The paths an expected-isolated pair got through (a leak's route: the overlay, docker0 or both). */
  leakVia?: Array<'overlay' | 'docker0'>;
}

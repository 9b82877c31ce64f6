import type { Logger } from 'pino';
import { StateIndex } from '../nomad/http/state-index.js';
import { runCheck } from './run-check.js';
import type { CheckDefinition, ServiceDefinition } from './service-definition.js';

/** hashicorp/consul agent/config/default.go (NonUserSource): `check_deregister_interval_min = "1m"`. */
export const CHECK_DEREGISTER_INTERVAL_MIN_MS = 60_000;
/** hashicorp/consul agent/config/default.go (NonUserSource): `check_reap_interval = "30s"`. */
export const CHECK_REAP_INTERVAL_MS = 30_000;

/** A check's live state (`GET /v1/agent/checks` shape plus bookkeeping). */
export interface CheckState {
  def: CheckDefinition;
  serviceId: string;
  status: string;
  output: string;
  criticalSinceMs: number | undefined;
  timer: NodeJS.Timeout | undefined;
  createIndex: number;
  modifyIndex: number;
}

/**
 * One agent's local services and checks. Checks run on their interval from this process; a check that
 * stays critical longer than its DeregisterCriticalServiceAfter gets its service removed by the reaper.
 * `onChange` fires after every change so the agent can sync the catalog.
 */
export class AgentState {
  readonly index = new StateIndex(1);
  readonly services = new Map<string, ServiceDefinition>();
  readonly checks = new Map<string, CheckState>();

  constructor(
    readonly node: string,
    private readonly logger: Logger,
    private readonly onChange: () => void,
    /** `check_deregister_interval_min`: 1 minute in every real agent (not user-settable). */
    private readonly deregisterMinMs = CHECK_DEREGISTER_INTERVAL_MIN_MS,
  ) {}

  /** Adds or replaces a service; its checks restart (statuses are kept unless `replaceChecks`). */
  register(service: ServiceDefinition, replaceChecks: boolean): void {
    const old = this.services.get(service.ID);
    const previous = new Map<string, CheckState>();
    for (const [id, check] of this.checks) {
      if (check.serviceId !== service.ID) continue;
      this.#stopCheck(check);
      this.checks.delete(id);
      previous.set(id, check);
    }
    this.services.set(service.ID, service);
    const index = this.index.bump();
    for (const def of service.checks) {
      const prior = replaceChecks || !old ? undefined : previous.get(def.CheckID);
      const check: CheckState = {
        def,
        serviceId: service.ID,
        status: prior?.status ?? def.InitialStatus,
        output: prior?.output ?? '',
        criticalSinceMs: prior?.criticalSinceMs ?? (def.InitialStatus === 'critical' ? Date.now() : undefined),
        timer: undefined,
        createIndex: prior?.createIndex ?? index,
        modifyIndex: index,
      };
      this.checks.set(def.CheckID, check);
      this.#schedule(check, 200);
    }
    this.onChange();
  }

  /** Removes a service and its checks; false when the ID is unknown. */
  deregister(serviceId: string): boolean {
    if (!this.services.delete(serviceId)) return false;
    for (const [id, check] of this.checks) {
      if (check.serviceId !== serviceId) continue;
      this.#stopCheck(check);
      this.checks.delete(id);
    }
    this.index.bump();
    this.onChange();
    return true;
  }

  /**
   * Deregisters services whose check has been critical for longer than allowed. A DeregisterCriticalServiceAfter
   * below the agent's minimum is raised to it, as real agents do (hashicorp/consul agent/agent.go `addCheck`:
   * `if timeout < a.config.CheckDeregisterIntervalMin { timeout = a.config.CheckDeregisterIntervalMin }` with a
   * WARN; the minimum is the non-user-settable `check_deregister_interval_min = "1m"`, agent/config/default.go).
   */
  reap(nowMs = Date.now()): string[] {
    const reaped: string[] = [];
    for (const check of [...this.checks.values()]) {
      const asked = check.def.DeregisterCriticalServiceAfterMs;
      if (asked <= 0 || check.status !== 'critical' || check.criticalSinceMs === undefined) continue;
      const limit = Math.max(asked, this.deregisterMinMs);
      if (nowMs - check.criticalSinceMs > limit && this.deregister(check.serviceId)) {
        this.logger.info({ service: check.serviceId, check: check.def.CheckID }, 'reaped critical service');
        reaped.push(check.serviceId);
      }
    }
    return reaped;
  }

  /** Stops every check timer (shutdown). */
  close(): void {
    for (const check of this.checks.values()) this.#stopCheck(check);
  }

  #schedule(check: CheckState, delayMs: number) {
    check.timer = setTimeout(() => {
      void runCheck(check.def).then((result) => {
        if (this.checks.get(check.def.CheckID) !== check) return;
        if (result.status !== check.status || result.output !== check.output) {
          if (result.status === 'critical' && check.status !== 'critical') check.criticalSinceMs = Date.now();
          if (result.status !== 'critical') check.criticalSinceMs = undefined;
          const statusChanged = result.status !== check.status;
          check.status = result.status;
          check.output = result.output;
          check.modifyIndex = this.index.bump();
          // Output-only changes are not pushed to the catalog: real agents also rate-limit output syncs.
          if (statusChanged) this.onChange();
        }
        this.#schedule(check, check.def.IntervalMs);
      });
    }, delayMs);
  }

  #stopCheck(check: CheckState) {
    clearTimeout(check.timer);
    check.timer = undefined;
  }
}

/**
 * A check as `GET /v1/agent/checks` and the catalog's health entries show it: hashicorp/consul
 * agent/structs/structs.go `HealthCheck` (fields in struct order; Partition/PeerName omitempty and empty in CE).
 */
export function toAgentCheck(node: string, check: CheckState, service: ServiceDefinition | undefined) {
  return {
    Node: node,
    CheckID: check.def.CheckID,
    Name: check.def.Name,
    Status: check.status,
    Notes: check.def.Notes,
    Output: check.output,
    ServiceID: check.serviceId,
    ServiceName: service?.Service ?? '',
    ServiceTags: service?.Tags ?? [],
    Type: check.def.Type,
    Interval: check.def.Interval,
    Timeout: check.def.Timeout,
    // Envoy's exposed listener port; 0 without Connect (agent/structs/structs.go `HealthCheck.ExposedPort`).
    ExposedPort: 0,
    Definition: check.def.Definition,
    CreateIndex: check.createIndex,
    ModifyIndex: check.modifyIndex,
  };
}

/** A service as `GET /v1/agent/services` shows it. */
export function toAgentService(service: ServiceDefinition) {
  const { checks: _checks, ...rest } = service;
  return rest;
}

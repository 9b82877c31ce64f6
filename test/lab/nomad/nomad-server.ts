import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { describeAgentSelf } from './agent-self.js';
import { AllocRunner } from './alloc-runner.js';
import { createHttpConsulRegistrar } from './consul-registrar.js';
import { DeploymentWatcher } from './deployment-watcher.js';
import type { RunOnHost } from './docker-driver.js';
import { HttpError } from './http/http-error.js';
import { readToken } from './http/router.js';
import { createApiServer } from './http/serve.js';
import { deterministicUuid } from './http/stable-ids.js';
import { NomadState } from './nomad-state.js';
import { PortForwards } from './port-forwards.js';
import { createNomadRoutes } from './routes.js';
import { Scheduler } from './scheduler.js';
import type { NodeRecord } from './state-types.js';
import { type NomadProfile, selectNomadProfile } from './version-profiles.js';

/** Settings of one emulated Nomad server. */
export interface NomadServerOptions {
  /**
   * Lab hosts as client nodes: lab host (`u1`), the node's name and underlay address. A real node's name is the
   * machine's hostname (HEAD client/client.go:1657-1658, v0.9.7 :1283), which need not be what the bot's
   * config calls the host: the lab uses fully qualified names (`u1.lab.internal`) so the bot must map nodes by
   * address.
   */
  hosts: readonly { host: string; nodeName: string; address: string }[];
  /** The release this server answers as (version-profiles.ts). @defaultValue the current release */
  profile?: NomadProfile & { reported?: string };
  /** The server's region (default `global`) and the nodes' datacenter (default `dc1`). */
  region?: string;
  datacenter?: string;
  /** Namespaces that exist besides `default` (only where the release has open-source namespaces). */
  namespaces?: readonly string[];
  /**
   * Deployments start `initializing`, then `pending`, then `running`, as a multiregion job's do (Nomad
   * Enterprise, 1.5+). Open-source Nomad only reads that status (HEAD scheduler/reconciler/reconcile_cluster.go:298,
   * 550, 646; nomad/structs/deployment.go:22 since v1.5.0) and never sets it, so this is a lab option, refused for
   * releases without the status.
   */
  multiregionDeployments?: boolean;
  runOnHost: RunOnHost;
  logger: Logger;
  consulPort: number;
  consulToken?: string;
  /** When set, every request needs this `X-Nomad-Token` (else 403 `Permission denied`). */
  aclToken?: string;
  nodeMemoryMB: number;
  evalDelayMs?: number;
  pollIntervalMs?: number;
  restartDelayMs?: number;
}

/** A running server: the HTTP server (not yet listening) and a shutdown that stops the poller and forwards. */
export interface NomadServer {
  server: Server;
  state: NomadState;
  /**
   * The node stops heartbeating (lab fault). Its live allocations become `unknown` where the release has that
   * status and the group tolerates a disconnect (`max_client_disconnect`, 1.3+, or `disconnect.lost_after`,
   * 1.8+: HEAD nomad/structs/alloc.go:35, nomad/node_endpoint.go:1572-1628), else `lost` as in every release.
   */
  disconnectNode(nodeId: string): number;
  close(): Promise<void>;
}

/** Wires state, scheduler, runner and deployment watcher behind Nomad's HTTP API. */
export function createNomadServer(opts: NomadServerOptions): NomadServer {
  const profile = opts.profile ?? selectNomadProfile();
  const region = opts.region ?? 'global';
  const datacenter = opts.datacenter ?? 'dc1';
  const nodes: NodeRecord[] = opts.hosts.map(({ host, nodeName, address }) => ({
    ID: deterministicUuid(`nomad-node-${host}`),
    Name: nodeName,
    Address: address,
    Datacenter: datacenter,
    host,
    memoryCapacityMB: opts.nodeMemoryMB,
  }));
  if (!profile.namespaces && (opts.namespaces ?? []).length > 0) {
    throw new Error(`Nomad ${profile.version} has no open-source namespaces: cannot create ${opts.namespaces}`);
  }
  if (opts.multiregionDeployments && !profile.statuses.deployment.includes('initializing')) {
    throw new Error(`Nomad ${profile.version} has no initializing deployments (multiregion, 1.5+)`);
  }
  const state = new NomadState(nodes, opts.namespaces ?? []);
  state.options.deploymentsStartInitializing = opts.multiregionDeployments ?? false;
  const consul = createHttpConsulRegistrar({ port: opts.consulPort, token: opts.consulToken });
  const forwards = new PortForwards(opts.runOnHost);
  const runner = new AllocRunner({
    state,
    runOnHost: opts.runOnHost,
    consul,
    forwards,
    logger: opts.logger,
    onAllocFinished: () => {},
    restartDelayMs: opts.restartDelayMs ?? 1000,
    allocIdLabel: profile.allocIdLabel,
  });
  const scheduler = new Scheduler({
    state,
    runner,
    logger: opts.logger,
    evalDelayMs: opts.evalDelayMs ?? 60,
    profile,
  });
  const watcher = new DeploymentWatcher({ state, runner, consul, logger: opts.logger });
  const server = createApiServer({
    routes: createNomadRoutes(state, scheduler, {
      region,
      datacenter,
      profile,
      self: () => describeAgentSelf(profile, region, datacenter),
    }),
    indexHeader: 'X-Nomad-Index',
    currentIndex: () => state.index.value,
    indexOnErrors: false,
    authorize: (ctx) => {
      // No token is the anonymous token, refused as Permission denied; an unknown one is "ACL token not
      // found" (HEAD command/agent/http.go:770-778, nomad/structs/errors.go).
      const token = readToken(ctx.headers, 'X-Nomad-Token');
      if (opts.aclToken && token !== opts.aclToken) {
        throw new HttpError(403, token ? 'ACL token not found' : 'Permission denied');
      }
    },
    describeDecodeError: (message) => `Failed to decode request body: ${message}`,
    methodNotAllowedText: 'Invalid method',
    onUnexpectedError: (err) => opts.logger.error({ err }, 'request failed'),
  });
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    runner
      .poll()
      .then(() => watcher.tick())
      .catch((err: unknown) => opts.logger.error({ err }, 'poll failed'))
      .finally(() => {
        busy = false;
      });
  }, opts.pollIntervalMs ?? 500);
  return {
    server,
    state,
    disconnectNode(nodeId) {
      let changed = 0;
      for (const alloc of state.allocs.values()) {
        if (alloc.NodeID !== nodeId || alloc.DesiredStatus !== 'run') continue;
        if (alloc.ClientStatus !== 'running' && alloc.ClientStatus !== 'pending') continue;
        const group = alloc.Job.TaskGroups?.find((g) => g.Name === alloc.TaskGroup) as
          | { MaxClientDisconnect?: number | null; Disconnect?: { LostAfter?: number | null } | null }
          | undefined;
        const tolerates = Boolean(group?.MaxClientDisconnect || group?.Disconnect?.LostAfter);
        alloc.ClientStatus = tolerates && profile.statuses.allocClient.includes('unknown') ? 'unknown' : 'lost';
        // scheduler/structs/const.go:22,25 (HEAD).
        alloc.ClientDescription =
          alloc.ClientStatus === 'unknown'
            ? 'alloc is unknown since its node is disconnected'
            : 'alloc is lost since its node is down';
        alloc.ModifyIndex = state.touch();
        changed += 1;
      }
      return changed;
    },
    async close() {
      clearInterval(timer);
      forwards.closeAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

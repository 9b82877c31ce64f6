import type { Server } from 'node:http';
import type { Logger } from 'pino';
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

/** Settings of one emulated Nomad server. */
export interface NomadServerOptions {
  /** Lab hosts as client nodes: name (`u1`) and underlay address. */
  hosts: readonly { host: string; address: string }[];
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
  close(): Promise<void>;
}

/** Wires state, scheduler, runner and deployment watcher behind Nomad's HTTP API. */
export function createNomadServer(opts: NomadServerOptions): NomadServer {
  const nodes: NodeRecord[] = opts.hosts.map(({ host, address }) => ({
    ID: deterministicUuid(`nomad-node-${host}`),
    Name: host,
    Address: address,
    Datacenter: 'dc1',
    host,
    memoryCapacityMB: opts.nodeMemoryMB,
  }));
  const state = new NomadState(nodes);
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
  });
  const scheduler = new Scheduler({ state, runner, logger: opts.logger, evalDelayMs: opts.evalDelayMs ?? 60 });
  const watcher = new DeploymentWatcher({ state, runner, consul, logger: opts.logger });
  const server = createApiServer({
    routes: createNomadRoutes(state, scheduler),
    indexHeader: 'X-Nomad-Index',
    currentIndex: () => state.index.value,
    authorize: (ctx) => {
      if (opts.aclToken && readToken(ctx.headers, 'X-Nomad-Token') !== opts.aclToken) {
        throw new HttpError(403, 'Permission denied');
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
    async close() {
      clearInterval(timer);
      forwards.closeAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

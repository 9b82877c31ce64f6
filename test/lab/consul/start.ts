import { request } from 'node:http';
import { join } from 'node:path';
import {
  REPO_DIR,
  spawnDetachedTs,
  stopPidFile,
  stopProcessesRunning,
  waitForHttp,
} from '../nomad/detached-process.js';

const catalogEntry = join(REPO_DIR, 'test/lab/consul/catalog-main.ts');
const agentEntry = join(REPO_DIR, 'test/lab/consul/agent-main.ts');

import { CONSUL_PORT, getHostAddress, getHostNamespace, LAB_HOSTS, STATE_DIR, UNDERLAY_GATEWAY } from '../topology.js';

/** Options of the emulated Consul; all optional (lab defaults). */
export interface ConsulStartOptions {
  /** Catalog server port in the root namespace (default 8501). */
  catalogPort?: number;
  httpPort?: number;
  dnsPort?: number;
  aclToken?: string;
  /**
   * Where each agent's HTTP API and DNS listen (`client_addr`): `loopback` = 127.0.0.1 of its host, Consul's
   * default (hashicorp/consul v1.19.2 agent/config/default.go `client_addr = "127.0.0.1"`); `host` = the host's
   * underlay address, as an operator who sets `client_addr` to a routable address has it.
   * @defaultValue loopback
   */
  consulBind?: 'loopback' | 'host';
  stateDir?: string;
  timeoutMs?: number;
}

/** The started catalog and agents. */
export interface StartedConsul {
  pids: number[];
  catalogAddress: string;
  /** Agent HTTP address per lab host, as seen from that host (loopback) or from anywhere (host). */
  consulAddresses: Record<string, string>;
  consulBind: 'loopback' | 'host';
  stop(): Promise<void>;
}

/** Lab-only unix socket of a host's agent, used by the emulated Nomad client of that host (see agent-server.ts). */
export function getAgentSocketPath(host: string, stateDir = STATE_DIR): string {
  return join(stateDir, `consul-${host}.sock`);
}

const pidFiles = (stateDir: string) => [
  join(stateDir, 'consul-catalog.pid'),
  ...LAB_HOSTS.map((h) => join(stateDir, `consul-${h}.pid`)),
];

/**
 * Starts the shared catalog (192.168.56.1:8501, DNS :8600) and one agent per lab host inside the host's
 * namespace (`<host address>:8500`, DNS :8600), as detached processes with logs and pid files in the state
 * dir, after stopping leftovers. Resolves when all answer.
 */
export async function start(opts: ConsulStartOptions = {}): Promise<StartedConsul> {
  const stateDir = opts.stateDir ?? STATE_DIR;
  await stop({ stateDir });
  const catalogPort = opts.catalogPort ?? 8501;
  const httpPort = opts.httpPort ?? CONSUL_PORT;
  const dnsPort = opts.dnsPort ?? 8600;
  const catalogAddress = `http://${UNDERLAY_GATEWAY}:${catalogPort}`;
  const common = { CONSUL_LAB_ACL_TOKEN: opts.aclToken ?? '', CONSUL_LAB_DNS_PORT: String(dnsPort) };
  const catalogLog = join(stateDir, 'consul-catalog.log');
  const pids = [
    spawnDetachedTs({
      entry: catalogEntry,
      logFile: catalogLog,
      pidFile: join(stateDir, 'consul-catalog.pid'),
      env: { ...common, CONSUL_LAB_BIND: UNDERLAY_GATEWAY, CONSUL_LAB_CATALOG_PORT: String(catalogPort) },
    }),
  ];
  const consulBind = opts.consulBind ?? 'loopback';
  const consulAddresses: Record<string, string> = {};
  for (const host of LAB_HOSTS) {
    const address = getHostAddress(host);
    const clientAddr = consulBind === 'host' ? address : '127.0.0.1';
    consulAddresses[host] = `http://${clientAddr}:${httpPort}`;
    pids.push(
      spawnDetachedTs({
        entry: agentEntry,
        logFile: join(stateDir, `consul-${host}.log`),
        pidFile: join(stateDir, `consul-${host}.pid`),
        prefix: ['ip', 'netns', 'exec', getHostNamespace(host)],
        env: {
          ...common,
          CONSUL_LAB_NODE: host,
          CONSUL_LAB_ADDRESS: address,
          CONSUL_LAB_CLIENT_ADDR: clientAddr,
          CONSUL_LAB_LOCAL_SOCKET: getAgentSocketPath(host, stateDir),
          CONSUL_LAB_HTTP_PORT: String(httpPort),
          CONSUL_LAB_CATALOG_URL: catalogAddress,
        },
      }),
    );
  }
  const timeoutMs = opts.timeoutMs ?? 30_000;
  await waitForHttp(`${catalogAddress}/v1/catalog/nodes`, timeoutMs, catalogLog);
  // Through the lab socket: a loopback-bound agent cannot be reached from the root namespace.
  await Promise.all(
    LAB_HOSTS.map((h) =>
      waitForAgentSocket(getAgentSocketPath(h, stateDir), timeoutMs, join(stateDir, `consul-${h}.log`)),
    ),
  );
  await waitForCatalogNodes(catalogAddress, LAB_HOSTS.length, timeoutMs);
  return { pids, catalogAddress, consulAddresses, consulBind, stop: () => stop({ stateDir }) };
}

/** Stops the catalog and agents started from this state dir (by their pid files). */
export async function stop(opts: { stateDir?: string } = {}): Promise<void> {
  await Promise.all(pidFiles(opts.stateDir ?? STATE_DIR).map((file) => stopPidFile(file)));
  await Promise.all([stopProcessesRunning(catalogEntry), stopProcessesRunning(agentEntry)]);
}

async function waitForAgentSocket(socketPath: string, timeoutMs: number, logFile: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const req = request({ socketPath, path: '/v1/agent/self', timeout: 1000 }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('error', () => resolve(false));
      req.on('timeout', () => req.destroy());
      req.end();
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`consul agent on ${socketPath} did not answer within ${timeoutMs} ms (see ${logFile})`);
}

/** Agents answer before their first sync lands; members and the catalog are complete only after it. */
async function waitForCatalogNodes(catalogAddress: string, count: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const res = await fetch(`${catalogAddress}/v1/catalog/nodes`).catch(() => undefined);
    if (res?.ok && ((await res.json()) as unknown[]).length >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`consul catalog did not list ${count} nodes within ${timeoutMs} ms`);
}

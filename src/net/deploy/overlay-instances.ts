import type { ConsulClient } from '../../clients/consul/index.js';
import { buildCommand, expectSuccess, type SshPool } from '../../clients/ssh/index.js';
import { ErrorCode, NetopsError } from '../../errors.js';
import type { ClusterHost } from '../cluster.js';
import { isIpInCidr, parseCidr } from '../ipv4.js';
import type { OverlayServiceSpec } from '../tenant-job.js';
import { addressOf, parseWeavePs, type WeavePs } from '../weave-ps.js';

import { findAllocContainer, NOMAD_ALLOC_LABEL } from './alloc-container.js';

export interface OverlayAddress {
  containerId: string;
  /** The address in the tenant's subnet. */
  ip: string;
  /** Every overlay address the container has (more than one would be a tenant leak). */
  all: string[];
}

/**
 * One `weave ps` of a host: every attached container and the host's own `weave:expose` line. The real CLI runs a
 * weaveexec container per call (about a second), so a deploy reads it once per host, not once per allocation.
 */
export async function readWeavePs(ssh: SshPool, host: ClusterHost, signal: AbortSignal): Promise<WeavePs> {
  const ps = await ssh.run(host.name, buildCommand('weave.ps.all'), { signal });
  expectSuccess(ps, `weave ps on ${host.name}`);
  return parseWeavePs(ps.stdout);
}

/**
 * Finds an allocation's container on its host (by Nomad's alloc_id label, else by its `<task>-<allocID>` name).
 * Nomad itself only sees the docker-bridge address in Weave proxy mode, so the overlay IP comes from `weave ps`.
 */
export async function findAllocContainerOrFail(
  ssh: SshPool,
  host: ClusterHost,
  alloc: { id: string; tasks: readonly string[] },
  signal: AbortSignal,
): Promise<string> {
  const containerId = await findAllocContainer(ssh, host.name, alloc, { signal });
  if (containerId) return containerId;
  throw new NetopsError(ErrorCode.NotFound, `no container for alloc ${alloc.id} on ${host.name}`, {
    userMessage: `Allocation ${alloc.id.slice(0, 8)} has no running container on ${host.name} (neither label ${NOMAD_ALLOC_LABEL} nor name ${alloc.tasks.map((t) => `${t}-${alloc.id}`).join(', ') || '<task>-<allocID>'}).`,
  });
}

/**
 * The container's overlay address in the tenant subnet, from its host's `weave ps` (which cuts ids to 12
 * characters: weaveworks/weave v2.8.1 weave:1543-1556).
 */
export function overlayAddressIn(
  ps: WeavePs,
  where: { host: ClusterHost; allocId: string; containerId: string },
  subnet: string,
): OverlayAddress {
  const { host, allocId, containerId } = where;
  const short = containerId.slice(0, 12);
  const all = ps.containers.filter((c) => c.id === short).flatMap((c) => c.cidrs.map(addressOf));
  const cidr = parseCidr(subnet);
  const ip = all.find((a) => isIpInCidr(a, cidr));
  if (!ip) {
    throw new NetopsError(ErrorCode.NotFound, `container ${short} has no address in ${subnet}`, {
      userMessage: `Container ${short} of allocation ${allocId.slice(0, 8)} on ${host.name} has no overlay address in ${subnet} (weave ps shows ${all.join(', ') || 'none'}).`,
    });
  }
  return { containerId, ip, all };
}

/**
 * Makes sure the host has an address in the tenant subnet on the weave bridge (`weave expose net:<subnet>`), so
 * the host's Consul agent can run health checks against overlay IPs. Returns the host's address there. `known` is
 * a `weave ps` of the host read just before, which saves a second call when the host is already exposed.
 */
export async function ensureHostExposed(
  ssh: SshPool,
  host: ClusterHost,
  subnet: string,
  signal: AbortSignal,
  known?: WeavePs,
): Promise<string> {
  const cidr = parseCidr(subnet);
  const inSubnet = (a: string) => isIpInCidr(a, cidr);
  const ps = known ?? (await readWeavePs(ssh, host, signal));
  const exposed = (ps.expose?.cidrs ?? []).map(addressOf).find(inSubnet);
  if (exposed) return exposed;
  const res = await ssh.run(host.name, buildCommand('weave.expose', { cidr: subnet }), { signal });
  expectSuccess(res, `weave expose on ${host.name}`);
  const printed = res.stdout.split(/\s+/).find(inSubnet);
  if (!printed)
    throw new NetopsError(
      ErrorCode.SshExit,
      `weave expose on ${host.name} printed no address in ${subnet}: ${res.stdout.slice(0, 200)}`,
    );
  return printed;
}

/** The bot's Consul service ID for an allocation: never `_nomad-task-…`, which Nomad's sync loop would delete. */
function overlayServiceId(allocId: string, svc: OverlayServiceSpec): string {
  return `netops-${allocId}-${svc.task}-${svc.templateName}`;
}

export interface OverlayInstance {
  allocId: string;
  host: ClusterHost;
  ip: string;
  jobId: string;
  jobVersion: number;
  tenant: string;
}

/** Registers one allocation's overlay address on its node's agent, with a check against that address. */
export async function registerOverlayInstance(
  agent: ConsulClient,
  inst: OverlayInstance,
  svc: OverlayServiceSpec,
  signal: AbortSignal,
): Promise<string> {
  const id = overlayServiceId(inst.allocId, svc);
  const interval = `${Math.max(1, Math.round((svc.check?.intervalMs ?? 5_000) / 1000))}s`;
  const timeout = `${Math.max(1, Math.round((svc.check?.timeoutMs ?? 2_000) / 1000))}s`;
  const check =
    svc.check?.type === 'http'
      ? { HTTP: `http://${inst.ip}:${svc.port}${svc.check.path.startsWith('/') ? '' : '/'}${svc.check.path}` }
      : { TCP: `${inst.ip}:${svc.port}` };
  await agent.registerAgentService(
    {
      ID: id,
      Name: svc.name,
      Address: inst.ip,
      Port: svc.port,
      Tags: svc.tags,
      Meta: {
        nomad_alloc_id: inst.allocId,
        nomad_job: inst.jobId,
        nomad_job_version: String(inst.jobVersion),
        tenant: inst.tenant,
        registered_by: 'netops-bot',
      },
      Check: { ...check, Interval: interval, Timeout: timeout, DeregisterCriticalServiceAfter: '1m' },
    },
    { signal },
  );
  return id;
}

import type { NomadClient } from '../../clients/nomad/index.js';
import { buildCommand } from '../../clients/ssh/index.js';
import type { StatusArgs } from '../../commands/index.js';
import { statusSpec } from '../../commands/specs/status.js';
import { clusterFor } from '../../config/index.js';
import type { ClusterContext } from '../../net/cluster.js';
import { checkConsulDatacenter } from '../../net/deploy/consul-datacenter.js';
import { checkNomadCluster, type NomadClusterCheck } from '../../net/deploy/nomad-support.js';
import { checkWeaveStatusOutput, WEAVE_STATUS_TIMEOUT_MS } from '../../net/weave-launch.js';
import { parseWeaveStatus } from '../../net/weave-status.js';
import { redactedMessage } from '../../redaction.js';
import type { Report, ReportBlock } from '../../report/model.js';
import { defineProcessor } from '../define-processor.js';
import type { Processor } from '../processor.js';
import { tenantViewOf } from '../processor-kit.js';
import { createTaskThread, type TaskThread } from '../task-thread.js';
import { type StatusJobsResult, type StatusJobsTask, tallyJobLists } from './status-jobs.js';
import type { TenantConfigView } from './tenant-context.js';

type Settled<T> = { ok: true; value: T } | { ok: false; error: string };

const settle = async <T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: string }> =>
  p
    .then((value) => ({ ok: true as const, value }))
    .catch((err: Error & { userMessage?: string }) => ({
      ok: false as const,
      error: (err.userMessage ?? err.message).split('\n')[0] ?? 'error',
    }));

/** What /status checks of Nomad besides nodes and jobs: the configured region (the release is read too). */
export interface StatusNomadCheck {
  region: string;
  namespace: string;
  /** When configured, it must have nodes (named with the real ones otherwise). */
  datacenter?: string | undefined;
}

/**
 * Below this many bytes of job lists the table is built here: a few ms, less than handing it to the thread
 * (and no thread is started for a small cluster). 1 MiB is ~1,500 jobs.
 */
const OFF_THREAD_FROM_BYTES = 1024 * 1024;

/** The thread of this process that builds /status jobs tables from large lists; started when first needed. */
let sharedJobsThread: TaskThread<StatusJobsTask, StatusJobsResult> | undefined;
const jobsThread = () => {
  sharedJobsThread ??= createTaskThread(new URL('./status-jobs-thread.ts', import.meta.url));
  return sharedJobsThread;
};

/**
 * The jobs table of the cluster's namespace and of every tenant namespace (each job once). The lists are read
 * here (the client's deadline, size cap, retries and coded errors) and decoded and tallied in a worker thread
 * when large: a 40,000-job list is ~26 MB of JSON, and its decode once held the event loop the receiver shares
 * (NETOPS_ROLE=all) for ~0.7 s (issue 17 item 7).
 */
async function tableOfJobsEverywhere(
  cluster: ClusterContext,
  tenantNomads: ReadonlyArray<{ namespace: string; nomad: NomadClient }>,
  tenants: string[],
  signal: AbortSignal,
): Promise<ReportBlock> {
  const inNamespace = (namespace: string | undefined, err: unknown) =>
    namespace === undefined ? err : new Error(`namespace ${namespace}: ${redactedMessage(err)}`);
  const answers = await Promise.all([
    cluster.nomad.readJobList({ signal }),
    ...tenantNomads.map((t) =>
      t.nomad.readJobList({ signal }).catch((err: unknown) => {
        throw inNamespace(t.namespace, err);
      }),
    ),
  ]);
  const bodies = answers.map((a) => a.slabs);
  const bytes = bodies.flat().reduce((n, slab) => n + slab.byteLength, 0);
  const result =
    bytes < OFF_THREAD_FROM_BYTES ? tallyJobLists({ bodies, tenants }) : await tallyOffThread(bodies, tenants, signal);
  if (result.ok) return result.block;
  throw inNamespace(tenantNomads[result.list - 1]?.namespace, answers[result.list]!.failed(result.failure));
}

/** Hands the bodies to the thread without a copy (a small slab in Buffer's pool is copied out of it first). */
function tallyOffThread(bodies: Buffer[][], tenants: string[], signal: AbortSignal): Promise<StatusJobsResult> {
  const owned = (b: Buffer) => (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? b : new Uint8Array(b));
  const own = bodies.map((slabs) => slabs.map(owned));
  const transfer = [...new Set(own.flat().map((b) => b.buffer as ArrayBuffer))];
  return jobsThread().run({ bodies: own, tenants }, transfer, signal);
}

/** Nodes by address and by name; the first node of an address or name wins, as a `find` would. */
function indexNodes<N extends { Address: string; Name: string }>(nodes: readonly N[]) {
  const nodeByAddr = new Map<string, N>();
  const nodeByName = new Map<string, N>();
  for (const n of nodes) {
    if (!nodeByAddr.has(n.Address)) nodeByAddr.set(n.Address, n);
    if (!nodeByName.has(n.Name)) nodeByName.set(n.Name, n);
  }
  return { nodeByAddr, nodeByName };
}

/** The Nomad line of /status: release, region (and the cluster's regions), the nodes' datacenters. */
function describeNomadCheck(
  check: NomadClusterCheck,
  address: string,
  nodes: ReadonlyArray<{ Datacenter?: string | null }>,
): ReportBlock {
  const datacenters = check.datacenters.length
    ? check.datacenters
    : [...new Set(nodes.map((n) => n.Datacenter ?? '?'))].sort();
  return {
    kind: 'fields',
    fields: [
      { label: 'Nomad', value: `${check.version} at ${address}` },
      { label: 'region', value: `${check.region} (cluster: ${check.regions.join(', ')})` },
      ...(datacenters.length
        ? [
            {
              label: 'datacenters',
              value: `${datacenters.join(', ')}${check.datacenter ? ` (configured: ${check.datacenter})` : ''}`,
            },
          ]
        : []),
    ],
  };
}

/** Tenant subnets against each host's Weave launch (Range/DefaultSubnet of `weave status`), for hosts that answered. */
function checkWeaveLaunchOf(
  weave: ReadonlyArray<{
    host: string;
    status: { ok: true; value: { code: number | null; stdout: string } } | { ok: false };
  }>,
  config: TenantConfigView,
): string[] {
  return weave.flatMap((w) =>
    w.status.ok && w.status.value.code === 0
      ? checkWeaveStatusOutput(w.host, w.status.value.stdout, config).map((p) => p.text)
      : [],
  );
}

/** The Docker version problems of every host; a check that failed is one problem itself. */
async function readDockerProblems(
  checkDocker: ((signal: AbortSignal) => Promise<string[]>) | undefined,
  signal: AbortSignal,
): Promise<string[]> {
  const docker = await settle(checkDocker?.(signal) ?? Promise.resolve([]));
  return docker.ok ? docker.value : [`Docker: ${docker.error}`];
}

/** `weave status` and `weave status connections` of every host (each settled on its own). */
function readWeaveStatus(cluster: ClusterContext, signal: AbortSignal) {
  return Promise.all(
    cluster.hosts.map(async (h) => {
      const status = await settle(
        cluster.ssh.run(h.name, buildCommand('weave.status'), { signal, timeoutMs: WEAVE_STATUS_TIMEOUT_MS }),
      );
      const conns = await settle(
        cluster.ssh.run(h.name, buildCommand('weave.status.connections'), {
          signal,
          timeoutMs: WEAVE_STATUS_TIMEOUT_MS,
        }),
      );
      return { host: h.name, status, conns };
    }),
  );
}

/** The Nomad release/region check (a block and its problems) and the Consul datacenter check (problems). */
function addReleaseChecks(
  r: {
    check: Settled<Awaited<ReturnType<typeof checkNomadCluster>>> | undefined;
    dcCheck: Settled<Awaited<ReturnType<typeof checkConsulDatacenter>>> | undefined;
    nodes: Settled<NodeList>;
    address: string;
  },
  blocks: ReportBlock[],
  problems: string[],
): void {
  const { check, dcCheck, nodes } = r;
  if (check?.ok) {
    blocks.push(describeNomadCheck(check.value, r.address, nodes.ok ? nodes.value : []));
    problems.push(...check.value.problems);
  } else if (check) problems.push(`Nomad: ${check.error}`);
  if (dcCheck?.ok) problems.push(...dcCheck.value.problems);
  else if (dcCheck) problems.push(`Consul: ${dcCheck.error}`);
}

/**
 * `/status`: the Nomad release and region check, Nomad nodes, Consul members, Weave peers and connections per
 * host, jobs per tenant (tenant namespaces included). Partial answers are shown.
 */
export function createStatusProcessor(deps: {
  cluster: ClusterContext;
  config: TenantConfigView;
  nomadCheck?: StatusNomadCheck;
  /** The configured Consul datacenter (absent: the agent's own), checked against GET /v1/catalog/datacenters. */
  consulCheck?: { datacenter?: string };
  tenantNomads?: ReadonlyArray<{ tenant: string; namespace: string; nomad: NomadClient }>;
  /** Each host's Docker against the supported window (net/docker-version.ts): problems, empty when fine. */
  checkDocker?: (signal: AbortSignal) => Promise<string[]>;
}): Processor<StatusArgs> {
  return async (ctx) => {
    const { cluster } = deps;
    // The thread loads its modules (~0.5 s through tsx) while the lists are read; idle, it costs no CPU.
    jobsThread().warm();
    // Read once: the Nomad check (datacenters) and the host table both use it.
    const nodeList = cluster.nomad.listNodes({ signal: ctx.signal });
    const [dcCheck, check, nodes, members, jobs, weave, docker] = await Promise.all([
      deps.consulCheck
        ? settle(checkConsulDatacenter(cluster.consul, deps.consulCheck.datacenter, ctx.signal))
        : Promise.resolve(undefined),
      deps.nomadCheck
        ? settle(checkNomadCluster(cluster.nomad, deps.nomadCheck, ctx.signal, () => nodeList))
        : Promise.resolve(undefined),
      settle(nodeList),
      settle(cluster.consul.members({ signal: ctx.signal })),
      settle(
        tableOfJobsEverywhere(
          cluster,
          deps.tenantNomads ?? [],
          deps.config.tenants.map((t) => t.name),
          ctx.signal,
        ),
      ),
      readWeaveStatus(cluster, ctx.signal),
      readDockerProblems(deps.checkDocker, ctx.signal),
    ]);
    const blocks: ReportBlock[] = [];
    const problems: string[] = [];
    addReleaseChecks({ check, dcCheck, nodes, address: cluster.nomad.address }, blocks, problems);
    const memberByAddr = new Map((members.ok ? members.value : []).map((m) => [m.Addr, m]));
    // Maps, not a scan of every node per host: linear in cluster size (issue 17 item 7). The first node of an
    // address or name wins, as `find` did.
    const nodeIndex = indexNodes(nodes.ok ? nodes.value : []);
    const weaveByHost = new Map(weave.map((x) => [x.host, x]));
    const rows = cluster.hosts.map((h) => {
      const weaveCell = describeWeaveCell(weaveByHost.get(h.name));
      if (weaveCell.problem) problems.push(`weave on ${h.name}: ${weaveCell.problem}`);
      return [
        h.name,
        h.address,
        describeNodeCell(nodes, h, nodeIndex),
        describeMemberCell(members, h, memberByAddr),
        weaveCell.text,
      ];
    });
    blocks.push({ kind: 'table', columns: ['host', 'address', 'nomad', 'consul', 'weave'], rows });
    problems.push(...checkWeaveLaunchOf(weave, deps.config), ...docker);
    if (!nodes.ok && !(check && !check.ok)) problems.push(`Nomad: ${nodes.error}`);
    if (!members.ok) problems.push(`Consul: ${members.error}`);
    if (jobs.ok) blocks.push(jobs.value);
    else problems.push(`Nomad jobs: ${jobs.error}`);
    for (const p of problems) blocks.push({ kind: 'alert', level: 'warning', text: p });
    const report: Report = {
      command: 'status',
      ok: problems.length === 0,
      title:
        problems.length === 0
          ? `cluster: ${cluster.hosts.length} hosts healthy`
          : `cluster: ${problems.length} problem(s)`,
      blocks,
      hosts: rows.map(([host, address, nomad, consul, weaveText]) => ({
        host,
        address,
        nomad,
        consul,
        weave: weaveText,
      })),
      problems,
    };
    return report;
  };
}

type HostRef = { name: string; address: string };
type NodeList = Awaited<ReturnType<NomadClient['listNodes']>>;
type MemberList = Awaited<ReturnType<ClusterContext['consul']['members']>>;
type SshResult = Awaited<ReturnType<ClusterContext['ssh']['run']>>;

/** The Nomad column: the node's status (a node's name is its hostname, so it is matched by address first). */
function describeNodeCell(
  nodes: Settled<NodeList>,
  host: HostRef,
  index: ReturnType<typeof indexNodes<NodeList[number]>>,
): string {
  if (!nodes.ok) return '?';
  const node = index.nodeByAddr.get(host.address) ?? index.nodeByName.get(host.name);
  if (!node) return 'not a node';
  return `${node.Status}${node.SchedulingEligibility === 'ineligible' ? ' (ineligible)' : ''}`;
}

/** The Consul column: the member's Serf status (1 is alive). */
function describeMemberCell(
  members: Settled<MemberList>,
  host: HostRef,
  byAddr: Map<string, MemberList[number]>,
): string {
  const member = byAddr.get(host.address);
  if (member) return member.Status === 1 ? 'alive' : `status ${member.Status}`;
  return members.ok ? 'not a member' : '?';
}

/** The Weave column from `weave status` and `weave status connections`, and the problem when it failed. */
function describeWeaveCell(weave: { status: Settled<SshResult>; conns: Settled<SshResult> } | undefined): {
  text: string;
  problem?: string;
} {
  if (!weave) return { text: '?' };
  const { status, conns } = weave;
  if (!status.ok) return { text: '?', problem: status.error };
  if (status.value.code !== 0) return { text: '?', problem: status.value.stderr.trim() || `exit ${status.value.code}` };
  const ws = parseWeaveStatus(status.value.stdout, conns.ok ? conns.value.stdout : '');
  const modes = ws.modes.length ? ` (${ws.modes.join(', ')})` : '';
  return { text: `${ws.peers ?? '?'} peers, ${ws.established ?? '?'}/${ws.connections ?? '?'} established${modes}` };
}

/** /status with the configured Nomad region, namespace and datacenter and the Consul datacenter to check. */
export const statusProcessor = defineProcessor(statusSpec, (kit) => {
  const cluster = clusterFor(kit.config);
  const datacenter = cluster.consul.datacenter;
  return createStatusProcessor({
    cluster: kit.cluster,
    config: tenantViewOf(kit),
    nomadCheck: {
      region: cluster.nomad.region,
      namespace: cluster.nomad.namespace,
      datacenter: cluster.nomad.datacenter,
    },
    consulCheck: datacenter ? { datacenter } : {},
    tenantNomads: kit.tenantNomads,
    checkDocker: kit.gates.checkDocker,
  });
});

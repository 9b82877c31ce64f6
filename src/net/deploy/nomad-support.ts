import { type NomadClient, readReportedVersion } from '../../clients/nomad/index.js';
import { ErrorCode, NetopsError } from '../../errors.js';

/** The releases the bot is built for: 0.9.0 up to the newest 2.x (tested against 0.9.7, 1.11.1 and 2.0.6). */
const SUPPORTED_NOMAD = { oldest: [0, 9, 0], newestMajor: 2, text: '0.9.0 to 2.x' } as const;

/** What the start-up and /status checks found out about the Nomad cluster. */
export interface NomadClusterCheck {
  version: string;
  /** The region the bot is configured for, and every region the cluster knows. */
  region: string;
  regions: string[];
  /** The datacenter the bot is configured for (if any), and the datacenters the cluster's nodes are in. */
  datacenter?: string;
  datacenters: string[];
  /** Problems in the bot's configuration against this cluster (empty when all is well). */
  problems: string[];
}

function parseRelease(version: string): number[] | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/**
 * Refuses a Nomad release the bot was not built for: older than 0.9 (no deployments' JobSpecModifyIndex
 * before 0.8.4, no task driver plugins before 0.9) or of a major it does not know. Releases between the
 * tested ones are accepted.
 */
export function checkNomadVersion(version: string | undefined, address: string): string {
  const parsed = version ? parseRelease(version) : undefined;
  const refuse = (why: string) =>
    new NetopsError(ErrorCode.NotAvailable, `unsupported Nomad ${version ?? '(unknown)'}`, {
      userMessage: `Nomad at ${address} reports version ${version || '(none)'} in /v1/agent/self: ${why}. netops-bot supports Nomad ${SUPPORTED_NOMAD.text}.`,
    });
  if (!parsed) throw refuse('not a version the bot can read');
  const [major = 0, minor = 0] = parsed;
  const [oldMajor, oldMinor] = SUPPORTED_NOMAD.oldest;
  if (major < oldMajor || (major === oldMajor && minor < oldMinor)) throw refuse('older than 0.9');
  if (major > SUPPORTED_NOMAD.newestMajor) throw refuse(`major version ${major} is newer than the bot knows`);
  return version as string;
}

/** What the operator configured for the cluster: its region and, optionally, the datacenter to deploy into. */
export interface NomadClusterConfig {
  region: string;
  datacenter?: string | undefined;
}

const quoteAll = (names: readonly string[]) => names.map((n) => `\`${n}\``).join(', ') || 'none';

/**
 * Reads the release from `/v1/agent/self` and the regions from `/v1/regions` (neither is region-scoped), refuses
 * an unsupported release, and reports a configured region the cluster does not have, naming the real ones. A
 * wrong region makes every region-scoped read fail with "No path to region" (HEAD nomad/rpc.go:700-731), so the
 * datacenters are read (`/v1/nodes`: a datacenter exists in Nomad only through its nodes'
 * `Datacenter`, nomad/structs/structs.go Node) only once the region is right.
 */
export async function checkNomadCluster(
  nomad: NomadClient,
  configured: NomadClusterConfig,
  signal?: AbortSignal,
  /** The node list when the caller reads it anyway (`/status`): one `/v1/nodes` per report, not two. */
  readNodes: () => ReturnType<NomadClient['listNodes']> = () => nomad.listNodes({ signal }),
): Promise<NomadClusterCheck> {
  const self = await nomad.readAgentSelf({ signal });
  const version = checkNomadVersion(readReportedVersion(self), nomad.address);
  const regions = await nomad.listRegions({ signal });
  const problems: string[] = [];
  let datacenters: string[] = [];
  if (!regions.includes(configured.region)) {
    problems.push(
      `Nomad region \`${configured.region}\` does not exist; the cluster has ${quoteAll(regions)} (set clusters[].nomad.region)`,
    );
  } else {
    const nodes = await readNodes();
    datacenters = [...new Set(nodes.map((n) => n.Datacenter ?? '').filter(Boolean))].sort();
    if (configured.datacenter !== undefined && !datacenters.includes(configured.datacenter)) {
      problems.push(
        `Nomad datacenter \`${configured.datacenter}\` has no nodes in region \`${configured.region}\`; the cluster's datacenters are ${quoteAll(datacenters)} (set clusters[].nomad.datacenter)`,
      );
    }
  }
  return {
    version,
    region: configured.region,
    regions,
    ...(configured.datacenter !== undefined ? { datacenter: configured.datacenter } : {}),
    datacenters,
    problems,
  };
}

/**
 * Runs `checkNomadCluster` once per process and remembers a passing result (a failure is retried next time,
 * so a Nomad that was down at start is picked up). Throws a user-safe error when the cluster cannot be used.
 */
export function createNomadGate(nomad: NomadClient, configured: NomadClusterConfig) {
  let passed: NomadClusterCheck | undefined;
  return async function ensureNomadUsable(signal?: AbortSignal): Promise<NomadClusterCheck> {
    if (passed) return passed;
    const check = await checkNomadCluster(nomad, configured, signal);
    if (check.problems.length) {
      throw new NetopsError(ErrorCode.NotAvailable, check.problems.join('; '), {
        userMessage: check.problems.join('; '),
      });
    }
    passed = check;
    return check;
  };
}

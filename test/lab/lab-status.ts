import { existsSync } from 'node:fs';
import { runOnHost } from './host-exec.js';
import { listLabNamespaces } from './lab-down.js';
import { checkSshd } from './lab-sshd.js';
import { readLabState } from './lab-state.js';
import { CONFIG_PATH, getHostAddress, getHostNamespace, LAB_HOSTS, type LabHost } from './topology.js';

interface LabContainerStatus {
  id: string;
  name: string;
  image: string;
  state: string;
}

interface LabHostStatus {
  name: LabHost;
  namespace: string;
  namespaceExists: boolean;
  address: string;
  sshdAlive: boolean;
  containers: LabContainerStatus[];
}

export interface LabStatus {
  up: boolean;
  overlayMtu: number | null;
  configPath: string;
  nomadAddress: string | null;
  /** The Nomad release the emulator answers as, and its region. */
  nomadVersion: string | null;
  nomadRegion: string | null;
  consulAddress: string | null;
  consulAddresses: Record<string, string>;
  hosts: LabHostStatus[];
}

async function listContainers(host: LabHost): Promise<LabContainerStatus[]> {
  const r = await runOnHost(host, ['docker', 'ps', '-a', '--no-trunc', '--format', '{{json .}}'], {
    timeoutMs: 10_000,
  });
  if (r.code !== 0) return [];
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { ID: string; Names: string; Image: string; State: string })
    .map((c) => ({ id: c.ID, name: c.Names, image: c.Image, state: c.State }));
}

/** Reports what exists now: namespaces, sshd (checked over real SSH), containers per host, addresses. */
export async function getLabStatus(): Promise<LabStatus> {
  const state = readLabState();
  const namespaces = new Set(await listLabNamespaces());
  const hosts = await Promise.all(
    LAB_HOSTS.map(async (name): Promise<LabHostStatus> => {
      const namespace = getHostNamespace(name);
      const exists = namespaces.has(namespace);
      return {
        name,
        namespace,
        namespaceExists: exists,
        address: getHostAddress(name),
        sshdAlive: exists && state !== undefined && (await checkSshd(name)),
        containers: exists && state ? await listContainers(name) : [],
      };
    }),
  );
  return {
    up: state !== undefined && hosts.every((h) => h.namespaceExists && h.sshdAlive),
    overlayMtu: state?.overlayMtu ?? null,
    configPath: state?.configPath || CONFIG_PATH,
    nomadAddress: state?.nomadAddress || null,
    nomadVersion: state?.nomadVersion ?? null,
    nomadRegion: state?.nomadRegion ?? null,
    consulAddress: state?.consulAddresses.u1 ?? null,
    consulAddresses: state?.consulAddresses ?? {},
    hosts,
  };
}

/** Human-readable status lines. */
export function formatLabStatus(s: LabStatus): string {
  const lines = [
    `lab: ${s.up ? 'up' : 'down'}${s.overlayMtu === null ? '' : `, overlay mtu ${s.overlayMtu}`}`,
    `config: ${s.configPath}${existsSync(s.configPath) ? '' : ' (missing)'}`,
    `nomad: ${s.nomadAddress ?? '-'}${s.nomadVersion ? ` (Nomad ${s.nomadVersion}, region ${s.nomadRegion})` : ''}   consul: ${s.consulAddress ?? '-'}`,
  ];
  for (const h of s.hosts) {
    const ns = h.namespaceExists ? h.namespace : `${h.namespace} (missing)`;
    lines.push(
      `${h.name}  ${h.address}  ns ${ns}  sshd ${h.sshdAlive ? 'alive' : 'down'}  ${h.containers.length} containers`,
    );
    for (const c of h.containers) lines.push(`    ${c.id.slice(0, 12)}  ${c.name}  ${c.image}  ${c.state}`);
  }
  return `${lines.join('\n')}\n`;
}

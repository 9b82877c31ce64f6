import type { Task } from './job-types.js';
import type { AllocatedPort } from './state-types.js';

/** Runs argv in a lab host's namespace with the lab `docker` on PATH (test/lab/host-exec.ts). */
export type RunOnHost = (
  host: string,
  argv: string[],
  opts?: { timeoutMs?: number },
) => Promise<{ code: number; stdout: string; stderr: string }>;

/** The part of `docker inspect` the driver reads. */
export interface ContainerInspect {
  Name: string;
  State: { Status: string; Running: boolean; ExitCode: number; Pid: number };
  NetworkSettings: { IPAddress: string; Networks: Record<string, { IPAddress: string }> };
}

/** Nomad's container name for a task: `<task>-<allocID>`, with `/` replaced (reference §7). */
export function getContainerName(taskName: string, allocId: string): string {
  return `${taskName.replaceAll('/', '_')}-${allocId}`;
}

/**
 * The Docker endpoint of every lab Nomad client: the Weave proxy socket, as a Nomad client whose docker plugin is
 * configured `endpoint = "unix:///var/run/weave/weave.sock"` (hashicorp/nomad v0.9.7 drivers/docker/config.go:167
 * `endpoint`), the set-up the article's WEAVE_CIDR jobs need: through Docker's own socket the variable does nothing
 * (weaveworks/weave v2.8.1 proxy/proxy.go:399-401).
 */
const NOMAD_DOCKER_ENDPOINT = 'unix:///var/run/weave/weave.sock';

/** Inputs of `docker run` for one task of one allocation. */
export interface RunSpec {
  allocId: string;
  task: Task;
  env: Record<string, string>;
  /** The release sets the `com.hashicorp.nomad.alloc_id` label (0.10.2+, version-profiles.ts). */
  allocIdLabel: boolean;
}

/**
 * Builds the `docker run` argv the Nomad docker driver amounts to: detached, named `<task>-<allocID>` (every
 * release: v0.9.7 drivers/docker/driver.go:964, HEAD :1537), labelled with the alloc id where the release does
 * (v0.10.2+: HEAD driver.go:87,1502), the task's environment, `--net` from `network_mode`, then image, command, args.
 */
export function buildDockerRunArgv(spec: RunSpec): string[] {
  const config = spec.task.Config ?? {};
  const argv = [
    'docker',
    '-H',
    NOMAD_DOCKER_ENDPOINT,
    'run',
    '-d',
    '--name',
    getContainerName(spec.task.Name ?? 'task', spec.allocId),
  ];
  if (spec.allocIdLabel) argv.push('-l', `com.hashicorp.nomad.alloc_id=${spec.allocId}`);
  for (const [key, value] of Object.entries(spec.env)) argv.push('-e', `${key}=${value}`);
  if (typeof config.network_mode === 'string' && config.network_mode !== '') argv.push(`--net=${config.network_mode}`);
  argv.push(String(config.image));
  if (typeof config.command === 'string') argv.push(config.command);
  if (Array.isArray(config.args)) argv.push(...config.args.map(String));
  return argv;
}

/** The driver network per reference §4.1: weave plugin networks auto-advertise, `bridge`/proxy mode does not. */
export function detectDriverNetwork(inspect: ContainerInspect, task: Task): { ip: string; autoAdvertise: boolean } {
  const mode = task.Config?.network_mode;
  const named = typeof mode === 'string' ? inspect.NetworkSettings.Networks?.[mode] : undefined;
  if (named && !['bridge', 'nat', 'host', 'default'].includes(mode as string)) {
    return { ip: named.IPAddress, autoAdvertise: true };
  }
  return { ip: inspect.NetworkSettings.IPAddress, autoAdvertise: false };
}

/** Container port of a placed port: `port_map` (docker config) or `To`, else the host port itself. */
export function getContainerPort(task: Task, port: AllocatedPort): number {
  const portMap = task.Config?.port_map;
  const entries = Array.isArray(portMap) ? portMap : portMap ? [portMap] : [];
  for (const entry of entries) {
    const mapped = (entry as Record<string, unknown>)[port.Label];
    if (typeof mapped === 'number') return mapped;
  }
  return port.To || port.Value;
}

/** Parses `docker inspect` output (a JSON array; partial when some names were unknown). */
export function parseInspectOutput(stdout: string): ContainerInspect[] {
  const start = stdout.indexOf('[');
  if (start < 0) return [];
  try {
    return JSON.parse(stdout.slice(start)) as ContainerInspect[];
  } catch {
    return [];
  }
}

import { buildCommand, type SshPool } from '../clients/ssh/index.js';
import { ErrorCode, NetopsError } from '../errors.js';
import type { ClusterHost } from './cluster.js';

/** A host's Docker, from `docker version --format '{{.Client.Version}} {{.Server.Version}} {{.Server.APIVersion}}'`. */
export interface DockerVersion {
  client: string;
  server: string;
  serverApi: string;
}

/** Parses the three fields; undefined for anything else (e.g. a daemon that did not answer). */
export function parseDockerVersion(stdout: string): DockerVersion | undefined {
  const m = /^(\d+\.\d+\.\d+)\S*\s+(\d+\.\d+\.\d+)\S*\s+(\d+\.\d+)\s*$/.exec(stdout.trim());
  return m ? { client: m[1]!, server: m[2]!, serverApi: m[3]! } : undefined;
}

/** 20.10.7 -> 2010: major × 100 + minor, enough to order Docker's YY.MM releases. */
function releaseNumber(version: string): number {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major * 100 + minor;
}

/**
 * The window the bot supports, naming why at each edge:
 * - CLI 20.10 or later: `docker ps --format '{{.State}}'` came with docker/cli 1fdbd6181e, first in v20.10.0
 *   (cli/command/formatter/container.go:203); older CLIs fail on the bot's inventory template.
 * - Engine 24.x or earlier when Weave is used: Weave 2.8.1's proxy and weaveutil speak Docker API 1.18
 *   (weaveworks/weave v2.8.1 proxy/proxy.go:142, prog/weaveutil/addrs.go:17), which Engine 25 refuses
 *   (minimum API 1.24; weaveworks/weave#4002, open).
 */
const SUPPORTED_DOCKER_WINDOW = 'Docker CLI 20.10 or later, Engine up to 24.x with Weave 2.8.1';

/** Problems of one host's Docker against the window; `weave` when a Weave network is configured. */
export function checkDockerVersion(host: string, v: DockerVersion, weave: boolean): string[] {
  const problems: string[] = [];
  if (releaseNumber(v.client) < 2010) {
    problems.push(
      `docker on ${host}: CLI ${v.client} is older than 20.10, which the bot needs (\`docker ps --format '{{.State}}'\`); supported: ${SUPPORTED_DOCKER_WINDOW} — upgrade the Docker CLI`,
    );
  }
  if (weave && releaseNumber(v.server) >= 2500) {
    problems.push(
      `docker on ${host}: Engine ${v.server} (API ${v.serverApi}) refuses API 1.18, which Weave 2.8.1's proxy and \`weave ps\` speak (weaveworks/weave#4002); supported: ${SUPPORTED_DOCKER_WINDOW} — run Docker Engine 24.x or earlier on Weave hosts`,
    );
  }
  return problems;
}

/**
 * Reads each host's Docker version once (a passing host is remembered for the life of the process, a failing one
 * is read again next time) and refuses, naming the host, the version and the window, when one is outside it.
 */
export function createDockerVersionGate(ssh: Pick<SshPool, 'run'>, opts: { weave: boolean }) {
  const passed = new Set<string>();
  async function problemsOf(host: ClusterHost, signal: AbortSignal): Promise<string[]> {
    if (passed.has(host.name)) return [];
    const r = await ssh.run(host.name, buildCommand('docker.version'), { signal, timeoutMs: 30_000 });
    const v = r.code === 0 ? parseDockerVersion(r.stdout) : undefined;
    if (!v) {
      return [
        `docker on ${host.name}: \`docker version\` did not report CLI and Engine versions (${(r.stderr || r.stdout).trim().split('\n')[0] || `exit ${r.code}`})`,
      ];
    }
    const problems = checkDockerVersion(host.name, v, opts.weave);
    if (problems.length === 0) passed.add(host.name);
    return problems;
  }
  return {
    /** The problems of every given host (for /status). */
    async check(hosts: readonly ClusterHost[], signal: AbortSignal): Promise<string[]> {
      const all = await Promise.all(hosts.map((h) => problemsOf(h, signal)));
      return all.flat();
    },
    /** Throws a user-safe error listing the problems of the given hosts. */
    async ensure(hosts: readonly ClusterHost[], signal: AbortSignal): Promise<void> {
      const problems = await this.check(hosts, signal);
      if (problems.length === 0) return;
      throw new NetopsError(ErrorCode.NotAvailable, problems.join('; '), {
        userMessage: `Nothing was started: a host's Docker is outside the supported window.\n${problems.map((p) => `• ${p}`).join('\n')}`,
      });
    },
  };
}

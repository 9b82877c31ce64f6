import { buildCommand, type SshPool } from '../../clients/ssh/index.js';
import { isNetopsError } from '../../errors.js';
import { BenchError, firstLineOf, missingExecutable, ToolMissingError } from './bench-error.js';
import type { BenchLeg } from './bench-types.js';

/** Label on every bench container; its value is the run ID. */
const BENCH_LABEL = 'netops.bench';

/** Images the bench runs (config `bench.images`); configurable because registries and mirrors differ. */
export interface BenchImages {
  /** ENTRYPOINT iperf3: the server (`-s`), and the client unless {@link iperf3Client} differs. */
  iperf3: string;
  /** ENTRYPOINT iperf3 on the client side (an idle `-s`; the client runs via `docker exec … iperf3 -c`). */
  iperf3Client: string;
  /** HTTP server on :80 serving {@link BenchHttp.webRoot}, with `sh` and `head` to create the payload. */
  httpServer: string;
  /** HTTP client with `curl` (times each fetch inside the container) and `cat` (reads the overlay MTU). */
  httpClient: string;
  /** FTP server configured like fauria/vsftpd: FTP_USER, FTP_PASS, LISTEN_PORT, PASV_MIN_PORT/PASV_MAX_PORT. */
  ftpServer: string;
  /** FTP client with `curl` (an idle `sleep` container; each fetch via `docker exec … curl ftp://…`). */
  ftpClient: string;
  /** SSH server configured like linuxserver/openssh-server: USER_NAME, PUBLIC_KEY, LISTEN_PORT, home /config. */
  scpServer: string;
  /** SCP client with `scp` and `ssh-keygen`, started with its own ENTRYPOINT (an idle server, like iperf3's). */
  scpClient: string;
}

/** The HTTP test's payload (config `bench.http`). */
export interface BenchHttp {
  /** Size of the file created in the server container, MiB. */
  payloadMB: number;
  /** The server image's document root. */
  webRoot: string;
}

/**
 * Docker Hub's published images: networkstatic/iperf3; nginx (which carries curl for the HTTP and FTP clients);
 * fauria/vsftpd (vsftpd with one virtual user from FTP_USER/FTP_PASS, the 2019 benchmark's FTP server);
 * linuxserver/openssh-server (OpenSSH on port 2222 for USER_NAME with PUBLIC_KEY; it carries scp too).
 */
export const DEFAULT_BENCH_IMAGES: BenchImages = Object.freeze({
  iperf3: 'networkstatic/iperf3',
  iperf3Client: 'networkstatic/iperf3',
  httpServer: 'nginx',
  httpClient: 'nginx',
  ftpServer: 'fauria/vsftpd',
  ftpClient: 'nginx',
  scpServer: 'linuxserver/openssh-server',
  scpClient: 'linuxserver/openssh-server',
});

/** nginx's document root in the official image (its default.conf). */
export const DEFAULT_BENCH_HTTP: BenchHttp = Object.freeze({ payloadMB: 100, webRoot: '/usr/share/nginx/html' });

/**
 * How containers join a network: through the Weave proxy socket (`-H <proxySocket>`, optionally with
 * `-e WEAVE_CIDR=net:<cidr>`), or `--net=<name>`.
 */
export interface NetworkAttachment {
  /** The Docker host the container is created through: the Weave proxy socket in proxy mode. */
  proxySocket?: string;
  cidr?: string;
  net?: string;
}

/** Roles of the containers of a run (four per leg, four more per leg with FTP and SCP). */
export type BenchRole =
  | 'iperf-server'
  | 'iperf-client'
  | 'http-server'
  | 'http-client'
  | 'ftp-server'
  | 'ftp-client'
  | 'scp-server'
  | 'scp-client';

/** One bench container as started. */
export interface BenchContainer {
  host: string;
  name: string;
  leg: BenchLeg;
  role: BenchRole;
  image: string;
  args: string[];
  attach: NetworkAttachment;
  /** `NAME=value` settings of the image (at most five), e.g. FTP_USER. */
  env?: string[];
}

/** `nb-<runId>-<role>-<leg>`: unique per run, readable in `docker ps`. */
export function benchContainerName(runId: string, role: BenchRole, leg: BenchLeg): string {
  return `nb-${runId}-${role}-${leg}`;
}

const IMAGE_MISSING =
  /Unable to find image|pull access denied|No such image|manifest unknown|repository does not exist/i;

/**
 * Starts a labelled bench container. A missing image is reported naming the host and the tool it carries
 * (e.g. "u2 cannot run iperf3: image networkstatic/iperf3 is not available there"), since that is what an
 * operator must fix.
 */
export async function startBenchContainer(
  ssh: Pick<SshPool, 'run'>,
  runId: string,
  c: BenchContainer,
  tool: string,
  signal: AbortSignal,
): Promise<void> {
  const env = Object.fromEntries((c.env ?? []).map((e, i) => [`env${i + 1}`, e]));
  const cmd = buildCommand(c.env?.length ? 'docker.run.env' : 'docker.run', {
    name: c.name,
    runId,
    ...(c.attach.proxySocket ? { host: c.attach.proxySocket } : {}),
    ...(c.attach.cidr ? { cidr: c.attach.cidr } : {}),
    ...(c.attach.net ? { net: c.attach.net } : {}),
    ...env,
    image: c.image,
    args: c.args,
  });
  const r = await ssh.run(c.host, cmd, { signal, timeoutMs: 120_000 });
  if (r.code === 0) return;
  const reason = firstLineOf(r.stderr, r.stdout);
  if (IMAGE_MISSING.test(`${r.stderr}\n${r.stdout}`)) {
    throw new BenchError(`${c.host} cannot run ${tool}: image ${c.image} is not available there (docker: ${reason})`);
  }
  const missing = missingExecutable(`${r.stderr}\n${r.stdout}`);
  if (missing && missing === c.args[0] && missing.startsWith('-')) {
    // No ENTRYPOINT: Docker ran the first argument, an option of the tool (`-s`), as the program.
    throw new ToolMissingError(
      c.image,
      c.host,
      tool,
      `its ENTRYPOINT must be ${tool}; Docker ran "${missing}" instead`,
    );
  }
  if (missing) throw new ToolMissingError(c.image, c.host, missing, `the ${c.role} container runs it`);
  throw new BenchError(`starting the ${c.role} container on ${c.host} failed: ${reason || `exit ${r.code}`}`);
}

/** Removes every container of a run on the given hosts; never throws (it runs in finally blocks and on cancel). */
export async function removeRunContainers(
  ssh: Pick<SshPool, 'run'>,
  hosts: readonly string[],
  runId: string,
): Promise<{ removed: number; problems: string[] }> {
  let removed = 0;
  const problems: string[] = [];
  await Promise.all(
    hosts.map(async (host) => {
      try {
        const listed = await ssh.run(
          host,
          buildCommand('docker.ps.all.byLabel', { label: BENCH_LABEL, value: runId }),
          {
            timeoutMs: 30_000,
          },
        );
        const ids = listed.stdout
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean);
        if (listed.code !== 0) problems.push(`${host}: listing bench containers failed: ${firstLineOf(listed.stderr)}`);
        if (ids.length === 0) return;
        const rm = await ssh.run(host, buildCommand('docker.rm.ids', { ids }), { timeoutMs: 60_000 });
        if (rm.code === 0) removed += ids.length;
        else problems.push(`${host}: removing bench containers failed: ${firstLineOf(rm.stderr)}`);
      } catch (err) {
        problems.push(`${host}: ${isNetopsError(err) ? err.message : String(err)}`);
      }
    }),
  );
  return { removed, problems };
}

/**
 * Removes bench containers left by runs whose worker died (their liveness key expired), so a crashed worker
 * cannot leave iperf3 servers behind for long. Containers of live runs (other host pairs) are kept.
 */
export async function sweepStaleBenchContainers(
  ssh: Pick<SshPool, 'run'>,
  host: string,
  isAlive: (runId: string) => Promise<boolean>,
  signal: AbortSignal,
): Promise<string[]> {
  const r = await ssh.run(host, buildCommand('docker.ps.all.benchRuns'), { signal, timeoutMs: 30_000 });
  if (r.code !== 0) return [];
  const byRun = new Map<string, string[]>();
  for (const line of r.stdout.split('\n')) {
    const [id, runId] = line.trim().split(/\s+/);
    if (!id || !runId || !/^[0-9a-f]{12,64}$/.test(id)) continue;
    byRun.set(runId, [...(byRun.get(runId) ?? []), id]);
  }
  const stale: string[] = [];
  for (const [runId, ids] of byRun) if (!(await isAlive(runId))) stale.push(...ids);
  if (stale.length > 0) await ssh.run(host, buildCommand('docker.rm.ids', { ids: stale.slice(0, 64) }), { signal });
  return stale;
}

import { randomBytes } from 'node:crypto';
import { buildCommand, type SshPool } from '../../clients/ssh/index.js';
import type { ClusterHost } from '../cluster.js';
import { type BenchContainer, type BenchImages, startBenchContainer } from './bench-containers.js';
import { BenchError, firstLineOf, missingExecutable, ToolMissingError } from './bench-error.js';
import { type BenchNetwork, benchContainerMaker, overlayIpOf } from './bench-setup.js';
import type { BenchLeg } from './bench-types.js';
import type { TransferTarget } from './transfer-run.js';

/** The FTP virtual user and the SSH user of a run (the servers are the run's own, removed with it). */
const TRANSFER_USER = 'netops';
/** Where linuxserver/openssh-server keeps the user's home (its VOLUME and USER_NAME's home). */
const SSH_HOME = '/config';
/** fauria/vsftpd's virtual users' roots: local_root=/home/vsftpd/$USER (its vsftpd.conf). */
const FTP_ROOT = '/home/vsftpd';

/** Ports one leg's servers listen on: the images' own on the overlay; per-run ports on the shared host network. */
interface LegPorts {
  ftp: number;
  pasvMin: number;
  pasvMax: number;
  ssh: number;
  sshClient: number;
}

/**
 * Starts the FTP and/or SCP containers of a run on both legs (a server on the server host, a client on the client
 * host), creates the file each fetches inside its server, and for SCP a per-run key pair in the client whose
 * public half the server is started with (PUBLIC_KEY). Returns where each leg fetches from. On the host network
 * the servers take per-run ports (`bareBase`…`bareBase+15`), so runs of other host pairs sharing a host never
 * collide; on the network under test they keep the images' defaults (21 and 2222).
 */
export async function startTransferContainers(input: {
  ssh: Pick<SshPool, 'run'>;
  runId: string;
  network: BenchNetwork;
  client: ClusterHost;
  server: ClusterHost;
  images: BenchImages;
  payloadMB: number;
  tests: ReadonlyArray<'ftp' | 'scp'>;
  bareBase: number;
  signal: AbortSignal;
}): Promise<{
  containers: BenchContainer[];
  targets: Partial<Record<'ftp' | 'scp', Record<BenchLeg, TransferTarget>>>;
}> {
  const { ssh, runId, network, client, server, images, signal } = input;
  const ports: Record<BenchLeg, LegPorts> = {
    overlay: { ftp: 21, pasvMin: 21100, pasvMax: 21110, ssh: 2222, sshClient: 2222 },
    bare: {
      ftp: input.bareBase,
      pasvMin: input.bareBase + 1,
      pasvMax: input.bareBase + 11,
      ssh: input.bareBase + 12,
      sshClient: input.bareBase + 13,
    },
  };
  const bytes = input.payloadMB * 1024 * 1024;
  const file = `netops-bench-${runId}.bin`;
  const make = benchContainerMaker(runId, network);
  const containers: BenchContainer[] = [];
  const targets: Partial<Record<'ftp' | 'scp', Record<BenchLeg, TransferTarget>>> = {};
  const legs: BenchLeg[] = ['overlay', 'bare'];
  const ipOf = (c: BenchContainer) => (c.leg === 'bare' ? server.address : overlayIpOf(ssh, c, network, signal));

  if (input.tests.includes('ftp')) {
    const password = randomBytes(12).toString('hex');
    const ftp = {} as Record<BenchLeg, TransferTarget>;
    await Promise.all(
      legs.map(async (leg) => {
        const p = ports[leg];
        const srv = make(
          server,
          'ftp-server',
          leg,
          images.ftpServer,
          [],
          [
            `FTP_USER=${TRANSFER_USER}`,
            `FTP_PASS=${password}`,
            `LISTEN_PORT=${p.ftp}`,
            `PASV_MIN_PORT=${p.pasvMin}`,
            `PASV_MAX_PORT=${p.pasvMax}`,
          ],
        );
        const cli = make(client, 'ftp-client', leg, images.ftpClient, ['sleep', '86400']);
        containers.push(srv, cli);
        await startBoth(ssh, runId, srv, cli, signal);
        await createFile(ssh, srv, `${FTP_ROOT}/${TRANSFER_USER}/${file}`, bytes, signal);
        ftp[leg] = {
          host: cli.host,
          container: cli.name,
          image: cli.image,
          serverImage: srv.image,
          serverIp: await ipOf(srv),
          port: p.ftp,
          user: TRANSFER_USER,
          password,
          file,
          bytes,
        };
      }),
    );
    targets.ftp = ftp;
  }
  if (input.tests.includes('scp')) {
    const scp = {} as Record<BenchLeg, TransferTarget>;
    await Promise.all(
      legs.map(async (leg) => {
        const p = ports[leg];
        const cli = make(client, 'scp-client', leg, images.scpClient, [], [`LISTEN_PORT=${p.sshClient}`]);
        containers.push(cli);
        await startBenchContainer(ssh, runId, cli, 'scp', signal);
        const keyPath = `${SSH_HOME}/netops-bench-${runId}`;
        const publicKey = await createKeyPair(ssh, cli, keyPath, signal);
        const srv = make(
          server,
          'scp-server',
          leg,
          images.scpServer,
          [],
          [`USER_NAME=${TRANSFER_USER}`, `PUBLIC_KEY=${publicKey}`, `LISTEN_PORT=${p.ssh}`],
        );
        containers.push(srv);
        await startBenchContainer(ssh, runId, srv, 'sshd', signal);
        const path = `${SSH_HOME}/${file}`;
        await createFile(ssh, srv, path, bytes, signal);
        scp[leg] = {
          host: cli.host,
          container: cli.name,
          image: cli.image,
          serverImage: srv.image,
          serverIp: await ipOf(srv),
          port: p.ssh,
          user: TRANSFER_USER,
          keyPath,
          file: path,
          bytes,
        };
      }),
    );
    targets.scp = scp;
  }
  return { containers, targets };
}

async function startBoth(
  ssh: Pick<SshPool, 'run'>,
  runId: string,
  srv: BenchContainer,
  cli: BenchContainer,
  signal: AbortSignal,
): Promise<void> {
  // Both must have finished before a failure propagates (the caller's cleanup would race a start in flight).
  const started = await Promise.allSettled([
    startBenchContainer(ssh, runId, srv, 'vsftpd', signal),
    startBenchContainer(ssh, runId, cli, 'curl', signal),
  ]);
  for (const s of started) if (s.status === 'rejected') throw s.reason;
}

/** Random bytes (nothing on the path can compress them) into `path` inside the server container. */
async function createFile(
  ssh: Pick<SshPool, 'run'>,
  c: BenchContainer,
  path: string,
  bytes: number,
  signal: AbortSignal,
): Promise<void> {
  const r = await ssh.run(
    c.host,
    buildCommand('docker.exec.bench.file', { container: c.name, bytes: String(bytes), path }),
    {
      signal,
      timeoutMs: Math.max(60_000, bytes / 10_000),
    },
  );
  if (r.code === 0) return;
  const tool = missingExecutable(`${r.stderr}\n${r.stdout}`);
  if (tool) throw new ToolMissingError(c.image, c.host, tool, 'the bench file is created with sh, mkdir and head');
  throw new BenchError(
    `creating the bench file ${path} in ${c.image} on ${c.host} failed: ${firstLineOf(r.stderr, r.stdout) || `exit ${r.code}`}`,
  );
}

/** A passphrase-less ed25519 key pair in the SCP client; returns the public key line. */
async function createKeyPair(
  ssh: Pick<SshPool, 'run'>,
  c: BenchContainer,
  path: string,
  signal: AbortSignal,
): Promise<string> {
  const gen = await ssh.run(c.host, buildCommand('docker.exec.ssh-keygen', { container: c.name, path }), { signal });
  if (gen.code !== 0) {
    const tool = missingExecutable(`${gen.stderr}\n${gen.stdout}`);
    if (tool) throw new ToolMissingError(c.image, c.host, tool, 'the SCP client makes its key with ssh-keygen');
    throw new BenchError(`ssh-keygen in ${c.image} on ${c.host} failed: ${firstLineOf(gen.stderr, gen.stdout)}`);
  }
  const pub = await ssh.run(c.host, buildCommand('docker.exec.cat.file', { container: c.name, path: `${path}.pub` }), {
    signal,
  });
  const line = pub.stdout.trim();
  if (pub.code !== 0 || !/^ssh-ed25519 [A-Za-z0-9+/=]+ netops-bench$/.test(line)) {
    throw new BenchError(`reading the SCP client's public key on ${c.host} failed: ${firstLineOf(pub.stderr) || line}`);
  }
  return line;
}

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A real OpenSSH server on 127.0.0.1 for tests and benchmarks. */
export interface SshTestServer {
  host: string;
  port: number;
  /** The server's public host key as an OpenSSH line (`ssh-ed25519 AAAA… comment`). */
  hostKeyLine: string;
  /** Private key (OpenSSH PEM) authorised for `user`. */
  clientKey: Buffer;
  user: string;
  /** Temp directory of this server (keys, config, bin/); tests may put files here. */
  dir: string;
  /** Stops sshd and starts it again on the same port with the same keys (existing connections drop). */
  restart(): Promise<void>;
  /** Stops sshd and removes its temp directory. */
  stop(): Promise<void>;
}

/** Options for {@link startSshTestServer}. */
export interface SshTestServerOptions {
  /** Sessions (channels) per connection sshd allows. @defaultValue 10 (OpenSSH's default) */
  maxSessions?: number;
  /**
   * Executables to put first on the PATH of sessions (name → script text), e.g. a stand-in `docker`.
   * Written with mode 0755 into a temp bin directory.
   */
  binaries?: Record<string, string>;
  /** Extra sshd_config lines, e.g. `AllowTcpForwarding no`. */
  extraConfig?: string[];
}

const SSHD = '/usr/sbin/sshd';

/**
 * Starts `/usr/sbin/sshd -D` as root on a free loopback port with a fresh ed25519 host key and a fresh
 * authorised client key, all in a temp directory. Needs root (PermitRootLogin prohibit-password).
 */
export async function startSshTestServer(opts: SshTestServerOptions = {}): Promise<SshTestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'netops-sshd-'));
  const hostKey = join(dir, 'host_key');
  const clientKeyPath = join(dir, 'client_key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'netops-test-host', '-f', hostKey]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'netops-test-client', '-f', clientKeyPath]);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${clientKeyPath}.pub`));
  // sshd refuses to start without its privilege separation directory.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const binDir = join(dir, 'bin');
  mkdirSync(binDir);
  for (const [name, script] of Object.entries(opts.binaries ?? {})) {
    writeFileSync(join(binDir, name), script, { mode: 0o755 });
  }
  const port = await findFreePort();
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'UseDNS no',
      'PrintMotd no',
      'LogLevel ERROR',
      `MaxSessions ${opts.maxSessions ?? 10}`,
      // bash sources ~/.bashrc for commands run by sshd; this machine's root .bashrc runs `pyenv init`
      // (~120 ms). A HOME without rc files keeps the measured time to the SSH round trip itself.
      `SetEnv HOME=${dir} PATH=${binDir}:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin`,
      'MaxStartups 100',
      ...(opts.extraConfig ?? []),
      '',
    ].join('\n'),
  );

  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    await waitForBanner(port, () => (child?.exitCode !== null ? `sshd exited: ${stderr}` : undefined));
  };
  const kill = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
    // sshd -D leaves per-connection children running when the listener stops; end them too (by PID, they
    // are ours) so a restart really drops every connection, like a rebooted host.
    for (const pid of listChildPids(c.pid)) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
    c.kill('SIGTERM');
    await exited;
  };
  await start();
  return {
    host: '127.0.0.1',
    port,
    hostKeyLine: readFileSync(`${hostKey}.pub`, 'utf8').trim(),
    clientKey: readFileSync(clientKeyPath),
    user: 'root',
    dir,
    async restart() {
      await kill();
      await start();
    },
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Generates an ed25519 public key line that is NOT the server's (for host-key mismatch tests). */
export function generateOtherHostKeyLine(): string {
  const dir = mkdtempSync(join(tmpdir(), 'netops-key-'));
  try {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'other', '-f', join(dir, 'k')]);
    return readFileSync(join(dir, 'k.pub'), 'utf8').trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function listChildPids(pid: number | undefined): number[] {
  if (pid === undefined) return [];
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

async function findFreePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

async function waitForBanner(port: number, failed: () => string | undefined): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const why = failed();
    if (why) throw new Error(why);
    if (await readsBanner(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd on port ${port} did not come up within 10 s`);
}

function readsBanner(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = new Socket();
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(1000, () => done(false));
    sock.once('data', (d: Buffer) => done(d.toString().startsWith('SSH-')));
    sock.once('error', () => done(false));
    sock.connect(port, '127.0.0.1');
  });
}

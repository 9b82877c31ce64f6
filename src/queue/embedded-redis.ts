import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { ErrorCode, NetopsError } from '../errors.js';

export interface EmbeddedRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface EmbeddedRedisOptions {
  /** Folder for the append-only file, so queued jobs survive a restart of the bot. */
  dataDir?: string;
  binary?: string;
  port?: number;
  startTimeoutMs?: number;
}

/**
 * Starts a private `redis-server` child on a free loopback port, with append-only persistence in a local folder.
 * Used when REDIS_URL is unset, so `npm start` works on a laptop with nothing but Node and redis-server.
 */
export async function startEmbeddedRedis(
  opts: EmbeddedRedisOptions = {},
): Promise<EmbeddedRedis & { persistent: boolean }> {
  const wanted = resolve(opts.dataDir ?? '.netops/redis');
  mkdirSync(wanted, { recursive: true });
  // Two redis-servers must never share an append-only file. A second process (e.g. two one-shot CLIs at once)
  // gets a private, non-persistent folder instead of corrupting the first one's data.
  const owned = claimDataDir(wanted);
  const dataDir = owned ? wanted : mkdtempSync(join(tmpdir(), 'netops-redis-'));
  const port = opts.port ?? (await findFreePort());
  const binary = opts.binary ?? 'redis-server';
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dataDir,
    '--appendonly',
    'yes',
    '--appendfsync',
    'everysec',
    '--save',
    '',
    '--protected-mode',
    'yes',
    '--daemonize',
    'no',
  ];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output = (output + d.toString()).slice(-4000);
  });
  child.stderr?.on('data', (d: Buffer) => {
    output = (output + d.toString()).slice(-4000);
  });
  await waitForStart(child, port, binary, () => output, opts.startTimeoutMs ?? 10_000);
  const stopOnExit = () => child.kill('SIGTERM');
  process.once('exit', stopOnExit);
  const cleanUp = () => (owned ? releaseDataDir(wanted) : rmSync(dataDir, { recursive: true, force: true }));
  process.once('exit', cleanUp);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    persistent: owned,
    stop: async () => {
      process.off('exit', stopOnExit);
      process.off('exit', cleanUp);
      if (child.exitCode === null) {
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      cleanUp();
    },
  };
}

async function waitForStart(
  child: ChildProcess,
  port: number,
  binary: string,
  output: () => string,
  timeoutMs: number,
) {
  const spawnError = new Promise<never>((_, reject) => {
    child.once('error', (err: NodeJS.ErrnoException) => {
      const missing = err.code === 'ENOENT';
      reject(
        new NetopsError(ErrorCode.Config, missing ? `${binary} not found` : `cannot start ${binary}: ${err.message}`, {
          userMessage: missing
            ? `${binary} is not installed. Install it (Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis) or set REDIS_URL to an existing Redis.`
            : `Cannot start ${binary}: ${err.message}`,
          cause: err,
        }),
      );
    });
    child.once('exit', (code) =>
      reject(new NetopsError(ErrorCode.Config, `${binary} exited with code ${code}: ${output().trim().slice(-500)}`)),
    );
  });
  const deadline = Date.now() + timeoutMs;
  const ready = (async () => {
    while (Date.now() < deadline) {
      const probe = new Redis({
        port,
        host: '127.0.0.1',
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      probe.on('error', () => {});
      try {
        await probe.connect();
        if ((await probe.ping()) === 'PONG') return;
      } catch {
        // Not listening yet: try again shortly.
      } finally {
        probe.disconnect();
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    throw new NetopsError(ErrorCode.Timeout, `${binary} did not answer within ${timeoutMs} ms`);
  })();
  await Promise.race([ready, spawnError]);
}

/** A free TCP port on loopback (bound once, then released). */
export function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

const OWNER_FILE = '.owner';

/** Takes the data folder for this process (a pid file); a folder owned by a live process is not taken. */
function claimDataDir(dir: string): boolean {
  const file = join(dir, OWNER_FILE);
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' });
    return true;
  } catch {
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) return false;
    // A stale owner (crashed run): take the folder over.
    writeFileSync(file, String(process.pid));
    return true;
  }
}

function releaseDataDir(dir: string): void {
  try {
    if (readFileSync(join(dir, OWNER_FILE), 'utf8').trim() === String(process.pid)) rmSync(join(dir, OWNER_FILE));
  } catch {
    // already gone
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

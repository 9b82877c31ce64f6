import { spawn } from 'node:child_process';

/** File locked while a process owns the lab (outside the state dir, which `down` deletes). */
const LAB_LOCK_FILE = '/run/lock/netops-lab.lock';

/**
 * Waits for exclusive use of the lab across processes: test runs of several developers or CI jobs on one
 * machine would otherwise tear down each other's lab. A child holds `flock` and exits by itself within a
 * second after this process dies, so a crashed test run cannot keep the lab locked. Returns the release.
 */
async function acquireLabLock(timeoutMs = 600_000): Promise<() => void> {
  const watch = `echo locked; while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done`;
  const holder = spawn('flock', ['-w', String(Math.ceil(timeoutMs / 1000)), LAB_LOCK_FILE, 'sh', '-c', watch], {
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    holder.stdout.once('data', () => resolve());
    holder.once('error', reject);
    holder.once('exit', (code) => reject(new Error(`could not lock ${LAB_LOCK_FILE} (flock exited ${code})`)));
  });
  holder.removeAllListeners('exit');
  holder.unref();
  holder.stdout.destroy();
  const pgid = holder.pid!;
  return () => {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already released
    }
  };
}

let release: (() => void) | undefined;

/**
 * Whether `up`/`down` lock the lab: always, unless NETOPS_LAB_NO_LOCK is set. `up` keeps the lock until this
 * process calls `down` or exits (the CLI exits right after `up`; a test run or the demo keeps it until `down`).
 */
export function shouldLockLab(): boolean {
  return process.env.NETOPS_LAB_NO_LOCK === undefined;
}

/** Takes the lab lock for this process unless it already holds it (`up` may be called several times). */
export async function holdLabLock(): Promise<void> {
  if (release === undefined) release = await acquireLabLock();
}

/** Releases the lab lock if this process holds it. */
export function releaseLabLock(): void {
  release?.();
  release = undefined;
}

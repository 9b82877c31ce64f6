import type { RunOnHost } from './docker-driver.js';

/**
 * Emulates Docker's published ports (`-p hostIP:hostPort:containerPort`), which the lab docker CLI ignores:
 * a socat in the host's namespace forwards the host port to the container's bridge address. Nomad in proxy
 * mode relies on this mapping for `host`-mode services and checks.
 */
export class PortForwards {
  readonly #pids = new Map<string, string[]>();

  constructor(private readonly runOnHost: RunOnHost) {}

  /** Starts a forward for `key` (an alloc/task); returns false when socat could not start. */
  async open(key: string, host: string, listen: { ip: string; port: number }, target: { ip: string; port: number }) {
    const socat = `socat TCP-LISTEN:${listen.port},bind=${listen.ip},fork,reuseaddr TCP:${target.ip}:${target.port}`;
    // setsid detaches socat from the short-lived shell; the pid comes back so it can be killed later.
    const result = await this.runOnHost(host, ['sh', '-c', `setsid ${socat} </dev/null >/dev/null 2>&1 & echo $!`], {
      timeoutMs: 5000,
    });
    const pid = result.stdout.trim();
    if (result.code !== 0 || !/^[0-9]+$/.test(pid)) return false;
    this.#pids.set(key, [...(this.#pids.get(key) ?? []), pid]);
    return true;
  }

  /** Stops every forward opened under `key`. */
  close(key: string): void {
    for (const pid of this.#pids.get(key) ?? []) killQuietly(Number(pid));
    this.#pids.delete(key);
  }

  /** Stops all forwards (server shutdown). */
  closeAll(): void {
    for (const key of [...this.#pids.keys()]) this.close(key);
  }
}

function killQuietly(pid: number) {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // Already gone.
  }
}

import { buildCommand, type SshPool } from '../../clients/ssh/index.js';
import { type ProcSample, parseProcSample } from './proc-usage.js';

/** A running sampler; `stop` takes a last reading and returns all of them, oldest first. */
export interface HostSampler {
  stop(): Promise<ProcSample[]>;
}

/** Options of {@link startHostSampler}. */
export interface HostSamplerOptions {
  ssh: Pick<SshPool, 'run'>;
  host: string;
  /** @defaultValue 1000 (knb samples every second) */
  intervalMs?: number;
  signal?: AbortSignal;
  now?: () => number;
}

/**
 * Reads `/proc/stat` and `/proc/meminfo` on a host over SSH every `intervalMs` until stopped. Readings that fail
 * are skipped: a missing second only widens the averaging window, it does not falsify it.
 */
export function startHostSampler(opts: HostSamplerOptions): HostSampler {
  const intervalMs = opts.intervalMs ?? 1000;
  const now = opts.now ?? Date.now;
  const samples: ProcSample[] = [];
  let stopped = false;
  let wake: (() => void) | undefined;

  const readOnce = async () => {
    try {
      const r = await opts.ssh.run(opts.host, buildCommand('cat.proc.stat'), {
        timeoutMs: 5_000,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      // The reading is stamped when the answer arrives: the counters were read just before.
      const sample = r.code === 0 ? parseProcSample(r.stdout, now()) : undefined;
      if (sample) samples.push(sample);
    } catch {
      // SSH trouble shows up in the bench itself; a lost reading is not worth failing the run for.
    }
  };

  const loop = (async () => {
    while (!stopped && !opts.signal?.aborted) {
      const started = now();
      await readOnce();
      const waitMs = Math.max(0, intervalMs - (now() - started));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  })();

  return {
    async stop() {
      stopped = true;
      wake?.();
      await loop;
      if (!opts.signal?.aborted) await readOnce();
      return [...samples].sort((a, b) => a.atMs - b.atMs);
    },
  };
}

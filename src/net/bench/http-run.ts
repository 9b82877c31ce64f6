import { buildCommand, type SshPool } from '../../clients/ssh/index.js';
import { firstLineOf } from './bench-error.js';

/** One HTTP throughput measurement. */
export interface HttpRunSpec {
  host: string;
  container: string;
  /** `ip` or `ip:port` of the HTTP server. */
  target: string;
  file: string;
  /** Keep fetching until this much time has passed (at least one fetch). */
  durationMs: number;
}

export type HttpOutcome =
  | { ok: true; mbps: number; fetches: number }
  | { ok: false; error: string; containerGone?: boolean };

/**
 * Fetches `file` with wget inside a container and times it from outside (no shell may run remotely, so there
 * is no in-container timer). The fixed cost of SSH + `docker exec` + connection set-up is measured first with a
 * fetch of `/` and subtracted from each timed fetch; bytes come from the response's Content-Length.
 */
export async function runHttpFetches(
  ssh: Pick<SshPool, 'run'>,
  spec: HttpRunSpec,
  signal: AbortSignal,
  now: () => number = Date.now,
): Promise<HttpOutcome> {
  const fetchOnce = (file: string) =>
    ssh.run(
      spec.host,
      buildCommand('docker.exec.wget.headers', { container: spec.container, target: spec.target, file }),
      {
        signal,
        timeoutMs: Math.max(60_000, spec.durationMs * 3),
      },
    );
  const overheadRuns: number[] = [];
  for (let i = 0; i < 2; i++) {
    const r = await fetchOnce('index.html');
    if (r.code !== 0) return failure(r.stderr, r.code, spec);
    overheadRuns.push(r.durationMs);
  }
  const overheadMs = Math.min(...overheadRuns);
  let bits = 0;
  let netMs = 0;
  let fetches = 0;
  const started = now();
  do {
    const r = await fetchOnce(spec.file);
    if (r.code !== 0) return failure(r.stderr, r.code, spec);
    const length = Number(/Content-Length:\s*(\d+)/i.exec(r.stderr)?.[1]);
    if (!Number.isFinite(length) || length <= 0) {
      return { ok: false, error: `no Content-Length for ${spec.file} from ${spec.target}` };
    }
    bits += length * 8;
    // Never let the subtraction claim more than half the fetch: on a slow network it would inflate the figure.
    netMs += Math.max(r.durationMs - overheadMs, r.durationMs / 2);
    fetches++;
  } while (now() - started < spec.durationMs);
  return { ok: true, mbps: bits / (netMs / 1000) / 1e6, fetches };
}

function failure(stderr: string, code: number | null, spec: HttpRunSpec): HttpOutcome {
  if (/is not running|No such container/i.test(stderr)) {
    return {
      ok: false,
      containerGone: true,
      error: `the HTTP client container ${spec.container} on ${spec.host} died mid-test (${firstLineOf(stderr)})`,
    };
  }
  const line = firstLineOf(
    stderr
      .split('\n')
      .filter((l) => !/^\s+\S+:|HTTP\/1/.test(l))
      .join('\n'),
    stderr,
  );
  return { ok: false, error: `wget http://${spec.target}/${spec.file} failed: ${line || `exit ${code}`}` };
}

import { buildCommand, type SshPool } from '../../clients/ssh/index.js';
import { firstLineOf, missingExecutable } from './bench-error.js';
import { medianOf } from './stats.js';

/** One HTTP throughput measurement. */
export interface HttpRunSpec {
  host: string;
  container: string;
  image: string;
  /** `ip` or `ip:port` of the HTTP server. */
  target: string;
  file: string;
  /** Keep fetching until this much time has passed (at least one fetch). */
  durationMs: number;
}

export type HttpOutcome =
  | { ok: true; mbps: number; fetches: number; medianFetchMs: number }
  | { ok: false; error: string; containerGone?: boolean };

/** One fetch as curl reports it (`-w '%{http_code} %{size_download} %{time_pretransfer} %{time_total}'`). */
export interface CurlTiming {
  status: number;
  bytes: number;
  /** Seconds from the request being sent to the last byte: the transfer, without connection set-up. */
  transferSeconds: number;
}

/** Parses the `-w` line of the `docker.exec.curl.timed` template; undefined when it is not there. */
export function parseCurlTiming(stdout: string): CurlTiming | undefined {
  const m = /^(\d{3}) (\d+) ([\d.]+) ([\d.]+)\s*$/m.exec(stdout);
  if (!m) return undefined;
  return { status: Number(m[1]), bytes: Number(m[2]), transferSeconds: Number(m[4]) - Number(m[3]) };
}

/**
 * Fetches `file` with curl inside the client container, repeatedly for `durationMs`, and rates the transfer
 * with curl's own clock: each fetch counts from the request (curl's time_pretransfer) to its last byte
 * (time_total), so neither SSH, `docker exec` nor the TCP handshake is inside the figure, which stays honest at
 * link speeds where one fetch takes milliseconds (the 2019 CNI benchmark took curl's speed_download the same way).
 * The result is all bytes over all transfer time.
 */
export async function runHttpFetches(
  ssh: Pick<SshPool, 'run'>,
  spec: HttpRunSpec,
  signal: AbortSignal,
  now: () => number = Date.now,
): Promise<HttpOutcome> {
  const cmd = buildCommand('docker.exec.curl.timed', {
    container: spec.container,
    target: spec.target,
    file: spec.file,
  });
  let bits = 0;
  let seconds = 0;
  const fetchMs: number[] = [];
  const started = now();
  do {
    const r = await ssh.run(spec.host, cmd, { signal, timeoutMs: Math.max(60_000, spec.durationMs * 3) });
    const timing = parseCurlTiming(r.stdout);
    if (r.code !== 0 || !timing) return failure(r.stdout, r.stderr, r.code, spec);
    if (timing.status !== 200) {
      return { ok: false, error: `HTTP ${timing.status} for http://${spec.target}/${spec.file}` };
    }
    if (timing.bytes <= 0 || timing.transferSeconds <= 0) {
      return { ok: false, error: `curl measured no transfer for http://${spec.target}/${spec.file}` };
    }
    bits += timing.bytes * 8;
    seconds += timing.transferSeconds;
    fetchMs.push(timing.transferSeconds * 1000);
  } while (now() - started < spec.durationMs);
  return { ok: true, mbps: bits / seconds / 1e6, fetches: fetchMs.length, medianFetchMs: medianOf(fetchMs) ?? 0 };
}

function failure(stdout: string, stderr: string, code: number | null, spec: HttpRunSpec): HttpOutcome {
  if (/is not running|No such container/i.test(stderr)) {
    return {
      ok: false,
      containerGone: true,
      error: `the HTTP client container ${spec.container} on ${spec.host} died mid-test (${firstLineOf(stderr)})`,
    };
  }
  const tool = missingExecutable(stderr);
  if (tool) {
    return {
      ok: false,
      error: `image ${spec.image} on ${spec.host} has no ${tool} (the HTTP client needs curl): choose an image that has it under bench.images.httpClient`,
    };
  }
  return {
    ok: false,
    error: `curl http://${spec.target}/${spec.file} failed: ${firstLineOf(stderr, stdout) || `exit ${code}`}`,
  };
}

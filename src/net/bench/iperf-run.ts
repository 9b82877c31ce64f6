import { buildCommand, type SshPool } from '../../clients/ssh/index.js';
import { firstLineOf } from './bench-error.js';
import { type Iperf3Outcome, parseIperf3Output } from './iperf3-result.js';

/** One iperf3 client run from inside a container. */
export interface IperfRunSpec {
  host: string;
  container: string;
  serverIp: string;
  port: number;
  seconds: number;
  streams?: number;
  udp?: boolean;
  /** Omit the first second (-O 1, knb's setting). @defaultValue true */
  omit?: boolean;
}

/** A fresh server may not listen yet, or still be finishing the previous test: both are worth a short retry. */
const TRANSIENT = /Connection refused|server is busy|unable to receive control message|Bad file descriptor/i;
const CONTAINER_GONE = /is not running|No such container/i;

/**
 * Runs `docker exec <container> iperf3 -c … -J [-O 1]` on a host and parses the result. Failures come back as
 * `{ ok: false, error }` with a reason an operator can act on (the client container died, iperf3 missing, …);
 * only cancellation throws.
 */
export async function runIperfClient(
  ssh: Pick<SshPool, 'run'>,
  spec: IperfRunSpec,
  signal: AbortSignal,
  retries = 8,
): Promise<Iperf3Outcome & { containerGone?: boolean }> {
  const cmd = buildCommand('docker.exec.iperf3.client', {
    container: spec.container,
    ip: spec.serverIp,
    port: spec.port,
    seconds: spec.seconds,
    ...(spec.streams && spec.streams > 1 ? { streams: spec.streams } : {}),
    udp: spec.udp === true,
    omit: spec.omit !== false,
  });
  // -O 1 runs one extra second; the rest is SSH and docker exec start-up.
  const timeoutMs = (spec.seconds + 1) * 1000 + 30_000;
  for (let attempt = 0; ; attempt++) {
    const r = await ssh.run(spec.host, cmd, { signal, timeoutMs });
    const parsed = parseIperf3Output(r.stdout);
    if (r.code === 0 && parsed.ok) return parsed;
    const error = parsed.ok ? `iperf3 exited with ${r.code ?? r.signal}` : parsed.error;
    if (CONTAINER_GONE.test(r.stderr)) {
      return {
        ok: false,
        containerGone: true,
        error: `the client container ${spec.container} on ${spec.host} died mid-test (${firstLineOf(r.stderr)})`,
      };
    }
    if (r.code === 126 || r.code === 127) {
      return { ok: false, error: `iperf3 cannot run in ${spec.container} on ${spec.host}: ${firstLineOf(r.stderr)}` };
    }
    if (attempt < retries && TRANSIENT.test(`${error}\n${r.stderr}`)) {
      await new Promise((res) => setTimeout(res, 250));
      continue;
    }
    // A killed client (container removed mid-run) ends without JSON; say so rather than "no output".
    if (r.code === null || r.code === 137) {
      return { ok: false, containerGone: true, error: `the iperf3 client on ${spec.host} was killed mid-test` };
    }
    return { ok: false, error: `${error}${r.stderr.trim() ? ` (${firstLineOf(r.stderr)})` : ''}` };
  }
}

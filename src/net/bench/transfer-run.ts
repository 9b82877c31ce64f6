import { buildCommand, type SshPool } from '../../clients/ssh/index.js';
import { firstLineOf, missingExecutable } from './bench-error.js';
import { parseCurlTiming } from './http-run.js';
import { medianOf } from './stats.js';

/** Where one leg's FTP or SCP server answers and how to log in (all per run: nothing outlives it). */
export interface TransferTarget {
  /** Client host and container that fetch the file. */
  host: string;
  container: string;
  image: string;
  /** The server's image, named when nothing answers. */
  serverImage: string;
  serverIp: string;
  port: number;
  user: string;
  /** FTP: the virtual user's password. */
  password?: string;
  /** SCP: the client container's private key file. */
  keyPath?: string;
  /** FTP: the path below the user's root; SCP: the absolute path on the server. */
  file: string;
  /** Size of the file, bytes: a shorter transfer is a failure, not a figure. */
  bytes: number;
}

export type TransferOutcome =
  | { ok: true; mbps: number; fetches: number; medianFetchMs: number }
  | { ok: false; error: string; containerGone?: boolean };

/** One scp transfer as ssh -v reports it at exit (OpenSSH clientloop.c client_loop: verbose()). */
export interface ScpTiming {
  receivedBytes: number;
  seconds: number;
  receivedBytesPerSecond: number;
}

/**
 * Parses `Transferred: sent N, received M bytes, in S seconds` and `Bytes per second: sent X, received Y`, which
 * ssh prints at exit with -v (openssh-portable clientloop.c, client_loop's end; the 2019 benchmark read the same
 * "Bytes per second"). The rate counts from the session's start (after authentication) to its end.
 */
export function parseScpTiming(stderr: string): ScpTiming | undefined {
  const t = /Transferred: sent \d+, received (\d+) bytes, in ([\d.]+) seconds/.exec(stderr);
  const r = /Bytes per second: sent [\d.]+, received ([\d.]+)/.exec(stderr);
  if (!t || !r) return undefined;
  return { receivedBytes: Number(t[1]), seconds: Number(t[2]), receivedBytesPerSecond: Number(r[1]) };
}

/** A server that is still starting: the first fetches are retried for this long. */
const READY_WAIT_MS = 20_000;
const NOT_LISTENING = /Connection refused|Failed to connect|Couldn't connect|connect to host .* port \d+:/i;

/**
 * Fetches the file over FTP (curl in the client container, timed by curl from the request to the last byte, as
 * the HTTP test) or copies it with scp (rate from ssh -v), repeatedly for `durationMs` (at least once). The first
 * fetch waits for a server still starting (run-vsftpd.sh and the openssh image's init take a moment).
 */
export async function runTransfers(
  ssh: Pick<SshPool, 'run'>,
  kind: 'ftp' | 'scp',
  t: TransferTarget,
  durationMs: number,
  signal: AbortSignal,
  now: () => number = Date.now,
): Promise<TransferOutcome> {
  const cmd =
    kind === 'ftp'
      ? buildCommand('docker.exec.curl.ftp', {
          container: t.container,
          credentials: `${t.user}:${t.password ?? ''}`,
          target: `${t.serverIp}:${t.port}`,
          file: t.file,
        })
      : buildCommand('docker.exec.scp', {
          container: t.container,
          key: t.keyPath ?? '',
          port: String(t.port),
          source: `${t.user}@${t.serverIp}:${t.file}`,
        });
  let bits = 0;
  let seconds = 0;
  const fetchMs: number[] = [];
  const started = now();
  do {
    let r = await ssh.run(t.host, cmd, { signal, timeoutMs: Math.max(60_000, durationMs * 3) });
    while (fetchMs.length === 0 && r.code !== 0 && NOT_LISTENING.test(r.stderr) && now() - started < READY_WAIT_MS) {
      await new Promise((res) => setTimeout(res, 500));
      r = await ssh.run(t.host, cmd, { signal, timeoutMs: Math.max(60_000, durationMs * 3) });
    }
    if (r.code !== 0) return failure(kind, r.stdout, r.stderr, r.code, t);
    const one = kind === 'ftp' ? ftpFigures(r.stdout, t) : scpFigures(r.stderr, t);
    if ('error' in one) return { ok: false, error: one.error };
    bits += one.bits;
    seconds += one.seconds;
    fetchMs.push(one.seconds * 1000);
  } while (now() - started < durationMs);
  return { ok: true, mbps: bits / seconds / 1e6, fetches: fetchMs.length, medianFetchMs: medianOf(fetchMs) ?? 0 };
}

function ftpFigures(stdout: string, t: TransferTarget): { bits: number; seconds: number } | { error: string } {
  const timing = parseCurlTiming(stdout);
  const url = `ftp://${t.serverIp}:${t.port}/${t.file}`;
  if (!timing) return { error: `curl printed no timing for ${url}` };
  // 226 "Transfer complete" (RFC 959) is the last reply of a good RETR; curl's %{response_code} is that reply.
  if (timing.status !== 226) return { error: `FTP reply ${timing.status} for ${url}` };
  if (timing.bytes < t.bytes || timing.transferSeconds <= 0) {
    return { error: `curl fetched ${timing.bytes} of ${t.bytes} bytes from ${url}` };
  }
  return { bits: timing.bytes * 8, seconds: timing.transferSeconds };
}

function scpFigures(stderr: string, t: TransferTarget): { bits: number; seconds: number } | { error: string } {
  const timing = parseScpTiming(stderr);
  if (!timing) return { error: `scp -v printed no transfer figures for ${t.serverIp}:${t.file}` };
  if (timing.receivedBytes < t.bytes || timing.receivedBytesPerSecond <= 0) {
    return { error: `scp received ${timing.receivedBytes} bytes, less than the ${t.bytes}-byte file` };
  }
  // ssh prints the seconds to one decimal; the rate is exact, so the time is derived from it.
  return { bits: timing.receivedBytes * 8, seconds: timing.receivedBytes / timing.receivedBytesPerSecond };
}

function failure(
  kind: 'ftp' | 'scp',
  stdout: string,
  stderr: string,
  code: number | null,
  t: TransferTarget,
): TransferOutcome {
  if (/is not running|No such container/i.test(stderr)) {
    return {
      ok: false,
      containerGone: true,
      error: `the ${kind.toUpperCase()} client container ${t.container} on ${t.host} died mid-test (${firstLineOf(stderr)})`,
    };
  }
  if (NOT_LISTENING.test(stderr)) {
    return {
      ok: false,
      error: `nothing answers ${kind.toUpperCase()} on ${t.serverIp}:${t.port} after ${READY_WAIT_MS / 1000}s: does image ${t.serverImage} run ${kind === 'ftp' ? 'an FTP server configured like fauria/vsftpd (FTP_USER, FTP_PASS, LISTEN_PORT)' : 'an SSH server configured like linuxserver/openssh-server (USER_NAME, PUBLIC_KEY, LISTEN_PORT)'}? (${firstLineOf(stderr)})`,
    };
  }
  const tool = missingExecutable(stderr);
  const needs = kind === 'ftp' ? 'curl' : 'scp';
  if (tool) {
    return {
      ok: false,
      error: `image ${t.image} on ${t.host} has no ${tool} (the ${kind.toUpperCase()} client needs ${needs}): choose an image that has it under bench.images.${kind}Client`,
    };
  }
  const last =
    kind === 'scp'
      ? (stderr
          .split('\n')
          .filter((l) => l.trim() && !l.startsWith('debug') && !/^(Transferred|Bytes per second|Authenticated)/.test(l))
          .pop() ?? '')
      : firstLineOf(stderr, stdout);
  const where = kind === 'ftp' ? `ftp://${t.serverIp}:${t.port}/${t.file}` : `${t.user}@${t.serverIp}:${t.file}`;
  return { ok: false, error: `${needs} ${where} failed: ${last.trim() || `exit ${code}`}` };
}

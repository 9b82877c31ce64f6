import { buildCommand, type SshPool } from '../../clients/ssh/index.js';
import type { BenchContainer, BenchHttp } from './bench-containers.js';
import { BenchError, firstLineOf, missingExecutable, ToolMissingError } from './bench-error.js';

/** The payload's file name below the web root: one per run, so runs sharing a server image never collide. */
function payloadFileName(runId: string): string {
  return `netops-bench-${runId}.bin`;
}

/**
 * Creates the HTTP test's payload inside an HTTP server container (`head -c <bytes> /dev/urandom` into the web
 * root): stock images serve only their own pages (nginx: index.html and 50x.html), so the file must be made where
 * it is served. Random bytes, so nothing on the path can compress them. Returns the file's path below the root.
 */
export async function createHttpPayload(
  ssh: Pick<SshPool, 'run'>,
  server: BenchContainer,
  http: BenchHttp,
  runId: string,
  signal: AbortSignal,
): Promise<string> {
  const file = payloadFileName(runId);
  const bytes = http.payloadMB * 1024 * 1024;
  const cmd = buildCommand('docker.exec.bench.payload', {
    container: server.name,
    bytes: String(bytes),
    path: `${http.webRoot}/${file}`,
  });
  // ~100 MB of urandom takes well under a second; the timeout leaves room for slow disks and 10 GB payloads.
  const r = await ssh.run(server.host, cmd, { signal, timeoutMs: Math.max(60_000, http.payloadMB * 100) });
  if (r.code === 0) return file;
  const output = `${r.stderr}\n${r.stdout}`;
  const tool = missingExecutable(output);
  if (tool) throw new ToolMissingError(server.image, server.host, tool, 'the HTTP payload is created with sh and head');
  throw new BenchError(
    `creating the ${http.payloadMB} MiB HTTP payload in ${http.webRoot} of ${server.image} on ${server.host} failed: ${
      firstLineOf(r.stderr, r.stdout) || `exit ${r.code}`
    } (bench.http.webRoot must be the image's document root)`,
  );
}

import { buildCommand } from './argv.js';
import { expectSuccess } from './expect-success.js';
import './templates.js';
import type { SshPool, SshRunOptions } from './types.js';

/**
 * Removes every container (running or not) with `label=value` on a host: `docker ps -a -q --filter` then
 * `docker rm -f <ids>`, since a pipe would need a shell. Returns the removed IDs.
 */
export async function removeContainersByLabel(
  pool: SshPool,
  host: string,
  label: string,
  labelValue: string,
  opts: SshRunOptions = {},
): Promise<string[]> {
  const listed = expectSuccess(
    await pool.run(host, buildCommand('docker.ps.all.byLabel', { label, value: labelValue }), opts),
    `listing containers with ${label}=${labelValue} on ${host}`,
  );
  const ids = listed.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  for (let i = 0; i < ids.length; i += 64) {
    const batch = ids.slice(i, i + 64);
    expectSuccess(
      await pool.run(host, buildCommand('docker.rm.ids', { ids: batch }), opts),
      `removing containers on ${host}`,
    );
  }
  return ids;
}

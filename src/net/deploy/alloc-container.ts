import { buildCommand, expectSuccess, type SshPool } from '../../clients/ssh/index.js';

/** Docker label Nomad (0.10.2+) puts on every container it starts. */
export const NOMAD_ALLOC_LABEL = 'com.hashicorp.nomad.alloc_id';

/**
 * Nomad's container name for a task of an allocation, `<task>-<allocID>` with `/` replaced, in every release
 * (hashicorp/nomad v0.9.7 drivers/docker/driver.go:964, 2.0.x :1537).
 */
function nomadContainerName(task: string, allocId: string): string {
  return `${task.replaceAll('/', '_')}-${allocId}`;
}

/**
 * Finds the running container of an allocation on its host: by Nomad's alloc_id label (0.10.2+), else by the
 * container name of one of its tasks (the only handle Nomad 0.9 and 0.10.0–0.10.1 give). Undefined when none runs.
 */
export async function findAllocContainer(
  ssh: Pick<SshPool, 'run'>,
  host: string,
  alloc: { id: string; tasks: readonly string[] },
  opts: { signal: AbortSignal; timeoutMs?: number },
): Promise<string | undefined> {
  const run = { signal: opts.signal, ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) };
  const byLabel = await ssh.run(
    host,
    buildCommand('docker.ps.byLabel', { label: NOMAD_ALLOC_LABEL, value: alloc.id }),
    run,
  );
  expectSuccess(byLabel, `docker ps on ${host}`);
  const labelled = byLabel.stdout
    .split('\n')
    .map((l) => l.trim())
    .find(Boolean);
  if (labelled) return labelled;
  for (const task of alloc.tasks) {
    const byName = await ssh.run(
      host,
      buildCommand('docker.ps.byName', { name: nomadContainerName(task, alloc.id) }),
      run,
    );
    expectSuccess(byName, `docker ps on ${host}`);
    // "<id> <name> <state>" per line; the name filter is a regex match, so compare the name exactly.
    const running = byName.stdout
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .find(([, name, state]) => name === nomadContainerName(task, alloc.id) && state === 'running');
    if (running?.[0]) return running[0];
  }
  return undefined;
}

import { buildCommand, expectSuccess, type SshPool } from '../../clients/ssh/index.js';
import { CancelledError, isNetopsError } from '../../errors.js';
import type { ClusterHost } from '../cluster.js';
import { addressOf, parseWeavePs } from '../weave-ps.js';

/** A container on a host as `docker ps -a` and `weave ps` describe it. */
export interface InventoryContainer {
  /** Full container ID. */
  id: string;
  name: string;
  image: string;
  /** Docker state: running, exited, created, … */
  state: string;
  /** Overlay addresses without prefix, in `weave ps` order; empty when not attached. */
  overlayIps: string[];
}

/** Every container of one host. */
export interface HostInventory {
  host: string;
  containers: InventoryContainer[];
}

/** A host that could not be listed, with the reason (user-safe). */
export interface HostFailure {
  host: string;
  reason: string;
}

/**
 * Parses `docker ps -a --no-trunc --format '{{.ID}} {{.Names}} {{.Image}} {{.State}}'`. Docker joins several
 * names with commas; the first is the container's own name. Lines that do not fit are skipped.
 */
export function parseDockerPsAll(stdout: string): Array<Omit<InventoryContainer, 'overlayIps'>> {
  const rows: Array<Omit<InventoryContainer, 'overlayIps'>> = [];
  for (const line of stdout.split('\n')) {
    const [id, names, image, state] = line.trim().split(/\s+/);
    if (!id || !names || !image || !state || !/^[0-9a-f]{12,64}$/.test(id)) continue;
    rows.push({ id, name: names.split(',')[0]!.replace(/^\//, ''), image, state });
  }
  return rows;
}

/** Joins docker ps rows with `weave ps` lines (which name containers by 12-char ID, or by name). */
export function joinWeavePs(
  rows: Array<Omit<InventoryContainer, 'overlayIps'>>,
  weavePs: string,
): InventoryContainer[] {
  const attachments = parseWeavePs(weavePs).containers;
  return rows.map((row) => {
    const found = attachments.find((a) => a.id === row.name || (a.id.length >= 12 && row.id.startsWith(a.id)));
    return { ...row, overlayIps: (found?.cidrs ?? []).map(addressOf) };
  });
}

function describeFailure(err: unknown): string {
  if (isNetopsError(err) && err.userMessage) return err.userMessage;
  return err instanceof Error ? (err.message.split('\n')[0] ?? 'error') : String(err);
}

/**
 * Lists the containers and their overlay addresses on every host at once (two SSH commands per host, run in
 * parallel). A host that fails is reported, not thrown: the other hosts still answer.
 */
export async function collectInventory(
  ssh: Pick<SshPool, 'run'>,
  hosts: readonly ClusterHost[],
  opts: { signal: AbortSignal; timeoutMs: number },
): Promise<{ inventories: HostInventory[]; failures: HostFailure[] }> {
  const runOpts = { signal: opts.signal, timeoutMs: opts.timeoutMs };
  const settled = await Promise.allSettled(
    hosts.map(async (h): Promise<HostInventory> => {
      const [ps, weave] = await Promise.all([
        ssh.run(h.name, buildCommand('docker.ps.all'), runOpts),
        ssh.run(h.name, buildCommand('weave.ps.all'), runOpts),
      ]);
      expectSuccess(ps, `docker ps on ${h.name}`);
      expectSuccess(weave, `weave ps on ${h.name}`);
      return { host: h.name, containers: joinWeavePs(parseDockerPsAll(ps.stdout), weave.stdout) };
    }),
  );
  const inventories: HostInventory[] = [];
  const failures: HostFailure[] = [];
  settled.forEach((s, i) => {
    if (s.status === 'fulfilled') inventories.push(s.value);
    else failures.push({ host: hosts[i]!.name, reason: describeFailure(s.reason) });
  });
  if (opts.signal.aborted) throw new CancelledError();
  return { inventories, failures };
}

import { type ProcessResult, runProcess } from './run-process.js';
import { BIN_DIR, getHostNamespace, type LabHost } from './topology.js';

export type { ProcessResult } from './run-process.js';
export type { LabHost } from './topology.js';

/** PATH for commands run on a lab host: the lab docker/weave CLIs first. */
export const LAB_HOST_PATH = `${BIN_DIR}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`;

/**
 * Runs argv inside a lab host's network namespace (`ip netns exec nl-<host> …`) with the lab's `docker` and
 * `weave` on PATH, as root, without SSH. For the emulators and tests; the bot itself always goes over SSH.
 */
export function runOnHost(
  host: LabHost,
  argv: readonly string[],
  opts: { timeoutMs?: number } = {},
): Promise<ProcessResult> {
  const env = { ...process.env, PATH: LAB_HOST_PATH, LAB_HOST: host };
  return runProcess(['ip', 'netns', 'exec', getHostNamespace(host), ...argv], {
    env,
    timeoutMs: opts.timeoutMs ?? 60_000,
  });
}

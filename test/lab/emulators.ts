import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CONSUL_PORT, getHostAddress, LAB_DIR, LAB_HOSTS, NOMAD_PORT, UNDERLAY_GATEWAY } from './topology.js';

/** Running emulators as seen by the lab CLI. */
export interface RunningEmulators {
  nomadAddress: string;
  consulAddresses: Record<string, string>;
  /** Pids of the detached background processes, recorded in lab.json so `down` can kill them. */
  pids: number[];
  /** Problems starting an emulator (the lab network still comes up; the caller prints these). */
  warnings: string[];
  stop(): Promise<void>;
}

/** What an emulator's `start(opts)` may return; every field is optional so either shape the module picks works. */
interface StartedEmulator {
  pids?: number[];
  pid?: number;
  address?: string;
  nomadAddress?: string;
  addresses?: Record<string, string>;
  consulAddresses?: Record<string, string>;
  stop?: () => Promise<void>;
}

interface EmulatorModule {
  start(opts?: Record<string, unknown>): Promise<StartedEmulator | undefined>;
}

// The other lab helper owns ./nomad and ./consul; until their start modules exist, nothing runs.
async function startIfPresent(
  name: 'nomad' | 'consul',
  opts: Record<string, unknown>,
  warnings: string[],
): Promise<StartedEmulator | undefined> {
  const base = join(LAB_DIR, name, 'start');
  if (!existsSync(`${base}.ts`) && !existsSync(`${base}.js`)) return undefined;
  try {
    // Literal specifiers: vitest (vite) cannot resolve a dynamic import built from a variable.
    const mod = (
      name === 'nomad' ? await import('./nomad/start.js') : await import('./consul/start.js')
    ) as EmulatorModule;
    return (await mod.start(opts)) ?? undefined;
  } catch (err) {
    warnings.push(`${name} emulator did not start: ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  }
}

function collectPids(e: StartedEmulator | undefined): number[] {
  return [...(e?.pids ?? []), ...(e?.pid === undefined ? [] : [e.pid])];
}

/** Starts the Consul agents, then the Nomad server, as detached processes when their modules exist. */
export async function startEmulators(opts: Record<string, unknown> = {}): Promise<RunningEmulators> {
  const loopback = opts.consulBind !== 'host';
  const defaults = Object.fromEntries(
    LAB_HOSTS.map((h) => [h, `http://${loopback ? '127.0.0.1' : getHostAddress(h)}:${CONSUL_PORT}`]),
  );
  const warnings: string[] = [];
  const consul = await startIfPresent('consul', opts, warnings);
  const nomad = await startIfPresent('nomad', opts, warnings);
  return {
    nomadAddress: nomad?.nomadAddress ?? nomad?.address ?? `http://${UNDERLAY_GATEWAY}:${NOMAD_PORT}`,
    consulAddresses: consul?.consulAddresses ?? consul?.addresses ?? defaults,
    pids: [...collectPids(consul), ...collectPids(nomad)],
    warnings,
    async stop() {
      await nomad?.stop?.();
      await consul?.stop?.();
    },
  };
}

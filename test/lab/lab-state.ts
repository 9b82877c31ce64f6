import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { LAB_JSON, type LabHost, STATE_DIR, type WeaveLaunch } from './topology.js';

/** What `up` created, so `down` (and the next `up` after a crash) knows what to remove. */
export interface LabState {
  createdAt: string;
  overlayMtu: number;
  /** How Weave's connections run (`--sleeve`, or a WEAVE_MTU too large for fastdp). */
  weaveDatapath?: 'fastdp' | 'sleeve';
  /** `--weave-password`: connections report encryption. */
  weaveEncrypted?: boolean;
  /** How Weave was launched (`--weave-launch`): its ipalloc range and default subnet. */
  weaveLaunch?: WeaveLaunch;
  /** dockerd's `--icc` on the hosts (`up --icc=false`); absent in states written before the option existed. */
  icc?: boolean;
  namespaces: string[];
  links: string[];
  hosts: { name: LabHost; namespace: string; address: string; sshdPid: number }[];
  account: string | null;
  /** Background processes outside the host namespaces (emulator servers); killed by pid on `down`. */
  pids: number[];
  nomadAddress: string;
  /** Release the emulated Nomad answers as, and its region (absent in states written before they existed). */
  nomadVersion?: string;
  nomadRegion?: string;
  consulAddresses: Record<string, string>;
  /** Where the agents listen (`up --consul-bind`); absent in states written before the option existed. */
  consulBind?: 'loopback' | 'host';
  configPath: string;
}

/** Reads lab.json; undefined when missing or unreadable (a partial or crashed run). */
export function readLabState(): LabState | undefined {
  if (!existsSync(LAB_JSON)) return undefined;
  try {
    return JSON.parse(readFileSync(LAB_JSON, 'utf8')) as LabState;
  } catch {
    return undefined;
  }
}

export function writeLabState(state: LabState): void {
  mkdirSync(STATE_DIR, { recursive: true });
  writeFileSync(LAB_JSON, `${JSON.stringify(state, null, 2)}\n`);
}

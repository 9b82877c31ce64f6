import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulators } from './emulators.js';
import { addLabAccount } from './lab-account.js';
import { writeLabConfig } from './lab-config.js';
import { downLab } from './lab-down.js';
import { holdLabLock, shouldLockLab } from './lab-lock.js';
import { createHost, createUnderlay, getWeaveBridgeMac } from './lab-network.js';
import { checkSshd, createClientKey, LAB_HOME, startSshd, writeKnownHosts } from './lab-sshd.js';
import { type LabState, writeLabState } from './lab-state.js';
import { selectNomadProfile } from './nomad/version-profiles.js';
import {
  getHostAddress,
  getHostNamespace,
  getHostVethName,
  getWeaveEncryptedOverhead,
  LAB_HOSTS,
  SSH_USER,
  STATE_DIR,
  UNDERLAY_BRIDGE,
  UNDERLAY_MTU,
  WEAVE_DEFAULT_MTU,
  WEAVE_FASTDP_OVERHEAD_BYTES,
  WEAVE_LAUNCHES,
  WEAVE_SLEEVE_ENCRYPTED_OVERHEAD_BYTES,
  WEAVE_SLEEVE_MTU,
  WEAVE_SLEEVE_OVERHEAD_BYTES,
  type WeaveLaunch,
} from './topology.js';

export interface UpOptions {
  /** WEAVE_MTU: the weave bridge's and containers' MTU (default 1376, or 65535 with `sleeve`). */
  overlayMtu?: number;
  /** WEAVE_NO_FASTDP: every connection runs sleeve, bridge MTU 65535 unless overlayMtu is given. */
  sleeve?: boolean;
  /**
   * `weave launch --password`: the routers report encrypted connections and apply encryption's MTU rules (fastdp
   * needs ESP room, else sleeve with NaCl). This machine's kernel has no ESP transform (`ip xfrm state add … esp`
   * fails), so the lab's packets themselves stay unencrypted: it models what the bot reads, not the cost.
   */
  weavePassword?: boolean;
  /** How Weave was launched (ipalloc range and default subnet, topology.ts). @defaultValue multi-tenant */
  weaveLaunch?: WeaveLaunch;
  /** Docker release the hosts' CLI and Engine report and behave as (bin/lab-docker-version.sh). @defaultValue 24.0.7 */
  dockerVersion?: string;
  /** How long one `weave` CLI call takes (the real script runs a weaveexec container). @defaultValue 1000 */
  weaveCallMs?: number;
  /**
   * dockerd's `--icc` on every host: true (Docker's default) lets containers on one host's docker0 reach each
   * other whatever their Weave subnet; false installs Docker's `-i docker0 -o docker0 -j DROP` (lab-firewall.ts).
   * @defaultValue true
   */
  icc?: boolean;
  /** Skip the Nomad/Consul emulators (network-only tests). */
  withoutEmulators?: boolean;
  /** Nomad release the emulated server answers as (test/lab/nomad/version-profiles.ts). @defaultValue 2.0.6 */
  nomadVersion?: string;
  /** Nomad region of the emulated server; the bot config follows it. @defaultValue global */
  nomadRegion?: string;
  /** Nomad namespaces to create besides `default` (1.0+ only). */
  nomadNamespaces?: readonly string[];
  /** Deployments start `initializing` → `pending` → `running`, as multiregion ones (Enterprise, 1.5+ only). */
  nomadMultiregion?: boolean;
  /**
   * Where the Consul agents' HTTP API and DNS listen: `loopback` (Consul's default client_addr 127.0.0.1; the bot
   * config gets `consul.access: ssh`) or `host` (the host address; `consul.access: direct`). @defaultValue loopback
   */
  consulBind?: 'loopback' | 'host';
  /** Delay before the emulated scheduler takes an evaluation (a busy leader). @defaultValue 60 */
  nomadEvalDelayMs?: number;
}

/**
 * A sleeper left in the machine's root mount namespace: the docker CLI enters it (nsenter) to add and delete
 * container namespaces so the /run/netns mounts are visible to every session (see bin/lab-lib.sh). It lives in
 * u1's network namespace so that `down` finds and kills it even when lab.json is lost.
 */
function startMountAnchor(): number {
  const argv = ['--net=/run/netns/nl-u1', 'sleep', 'infinity'];
  const child = spawn('nsenter', argv, { detached: true, stdio: 'ignore' });
  child.on('error', () => {}); // a missing nsenter shows up as pid undefined below
  child.unref();
  if (child.pid === undefined) throw new Error('could not start the mount-namespace anchor (sleep)');
  return child.pid;
}

/**
 * Weave's datapath for every connection: sleeve when launched with WEAVE_NO_FASTDP, or when fastdp's heartbeat
 * (MTU + 50 bytes) cannot cross the underlay and the connection falls back (site/tasks/manage/fastdp.md: "or else
 * Weave Net will fall back to Sleeve for that connection").
 */
function getWeaveDatapath(opts: {
  sleeve?: boolean;
  weavePassword?: boolean;
  overlayMtu: number;
}): 'fastdp' | 'sleeve' {
  const needed = opts.weavePassword ? getWeaveEncryptedOverhead(opts.overlayMtu) : WEAVE_FASTDP_OVERHEAD_BYTES;
  return opts.sleeve || opts.overlayMtu + needed > UNDERLAY_MTU ? 'sleeve' : 'fastdp';
}

/** What lab.env carries besides the peers (bin/lab-lib.sh sources it). */
interface LabEnvInput {
  overlayMtu: number;
  datapath: 'fastdp' | 'sleeve';
  encrypted: boolean;
  rootPid: number;
  weaveLaunch: WeaveLaunch;
  weaveCallMs: number;
  dockerVersion: string;
}

/** Values the bash CLIs read (bin/lab-lib.sh sources it). */
function writeLabEnv(input: LabEnvInput): void {
  const peers = LAB_HOSTS.map((h) => `${h},${getHostAddress(h)},${getWeaveBridgeMac(h)}`).join(' ');
  const { encrypted } = input;
  const env = {
    LAB_OVERLAY_MTU: input.overlayMtu,
    LAB_WEAVE_DATAPATH: input.datapath,
    LAB_WEAVE_ENCRYPTED: encrypted ? 1 : 0,
    LAB_SLEEVE_MTU: UNDERLAY_MTU - (encrypted ? WEAVE_SLEEVE_ENCRYPTED_OVERHEAD_BYTES : WEAVE_SLEEVE_OVERHEAD_BYTES),
    LAB_WEAVE_RANGE: WEAVE_LAUNCHES[input.weaveLaunch].range,
    LAB_WEAVE_DEFAULT_SUBNET: WEAVE_LAUNCHES[input.weaveLaunch].defaultSubnet,
    LAB_WEAVE_CALL_MS: input.weaveCallMs,
    LAB_DOCKER_VERSION: input.dockerVersion,
    LAB_PEERS: peers,
    LAB_ROOT_PID: input.rootPid,
  };
  const lines = Object.entries(env).map(([k, v]) => `${k}='${v}'`);
  writeFileSync(join(STATE_DIR, 'lab.env'), `${lines.join('\n')}\n`);
}

function checkOverlayMtu(mtu: number): void {
  // Weave accepts any WEAVE_MTU a Linux bridge takes; one too large for fastdp makes connections fall back to sleeve.
  if (!Number.isInteger(mtu) || mtu < 576 || mtu > WEAVE_SLEEVE_MTU) {
    throw new Error(`--overlay-mtu must be an integer from 576 to ${WEAVE_SLEEVE_MTU}`);
  }
}

/** Checks the options and fills in defaults (before anything is torn down or built). */
function checkUpOptions(opts: UpOptions) {
  const overlayMtu = opts.overlayMtu ?? (opts.sleeve ? WEAVE_SLEEVE_MTU : WEAVE_DEFAULT_MTU);
  checkOverlayMtu(overlayMtu);
  const nomad = selectNomadProfile(opts.nomadVersion);
  const weaveLaunch = opts.weaveLaunch ?? 'multi-tenant';
  const dockerVersion = opts.dockerVersion ?? '24.0.7';
  if (!/^\d{2}\.\d{1,2}\.\d{1,2}$/.test(dockerVersion)) throw new Error('--docker-version must look like 24.0.7');
  if (!(weaveLaunch in WEAVE_LAUNCHES)) throw new Error(`--weave-launch must be one of ${Object.keys(WEAVE_LAUNCHES)}`);
  const datapath = getWeaveDatapath({
    overlayMtu,
    ...(opts.sleeve ? { sleeve: true } : {}),
    ...(opts.weavePassword ? { weavePassword: true } : {}),
  });
  return { overlayMtu, nomad, weaveLaunch, dockerVersion, datapath };
}

/** The lab account and its key, one sshd per host, known_hosts; fails unless each sshd answers over SSH. */
async function startLabSshd(state: LabState): Promise<void> {
  await createClientKey();
  addLabAccount(LAB_HOME);
  state.account = SSH_USER;
  writeLabState(state);
  const sshdPids = await Promise.all(LAB_HOSTS.map((h) => startSshd(h)));
  state.hosts = LAB_HOSTS.map((name, i) => ({
    name,
    namespace: getHostNamespace(name),
    address: getHostAddress(name),
    sshdPid: sshdPids[i] ?? 0,
  }));
  writeKnownHosts(LAB_HOSTS);
  writeLabState(state);
  for (const host of LAB_HOSTS) {
    if (!(await checkSshd(host, 10))) throw new Error(`sshd on ${host} does not answer over SSH`);
  }
}

/** Nomad and Consul emulators (unless `withoutEmulators`), recorded in the state for `down`. */
async function startLabEmulators(state: LabState, opts: UpOptions, nomadVersion: string): Promise<void> {
  const nomadOptions = {
    nomadVersion,
    ...(opts.nomadRegion ? { region: opts.nomadRegion } : {}),
    ...(opts.nomadNamespaces?.length ? { namespaces: opts.nomadNamespaces } : {}),
    ...(opts.nomadMultiregion ? { multiregionDeployments: true } : {}),
    ...(opts.nomadEvalDelayMs === undefined ? {} : { evalDelayMs: opts.nomadEvalDelayMs }),
  };
  state.nomadVersion = nomadVersion;
  state.nomadRegion = opts.nomadRegion ?? 'global';
  const consulBind = opts.consulBind ?? 'loopback';
  state.consulBind = consulBind;
  const emulators = opts.withoutEmulators
    ? undefined
    : await startEmulators({ stateDir: STATE_DIR, consulBind, ...nomadOptions });
  for (const w of emulators?.warnings ?? []) process.stderr.write(`warning: ${w}\n`);
  state.pids.push(...(emulators?.pids ?? []));
  state.nomadAddress = emulators?.nomadAddress ?? 'http://192.168.56.1:4646';
  state.consulAddresses = emulators?.consulAddresses ?? {};
}

/** Tears down any previous lab, then builds hosts, overlays, sshd, emulators and the bot config. */
export async function upLab(opts: UpOptions = {}): Promise<LabState> {
  const { overlayMtu, nomad, weaveLaunch, dockerVersion, datapath } = checkUpOptions(opts);
  if (shouldLockLab()) await holdLabLock();
  await downLab({ keepLock: true });
  mkdirSync(STATE_DIR, { recursive: true });
  const state: LabState = {
    createdAt: new Date().toISOString(),
    overlayMtu,
    weaveDatapath: datapath,
    weaveEncrypted: opts.weavePassword === true,
    weaveLaunch,
    icc: opts.icc ?? true,
    namespaces: [],
    links: [UNDERLAY_BRIDGE],
    hosts: [],
    account: null,
    pids: [],
    nomadAddress: '',
    consulAddresses: {},
    configPath: '',
  };
  // Recorded before each step so a failure half-way still leaves `down` a complete list.
  writeLabState(state);
  await createUnderlay();
  for (const host of LAB_HOSTS) {
    state.namespaces.push(getHostNamespace(host));
    state.links.push(getHostVethName(host));
    writeLabState(state);
    await createHost(host, overlayMtu, opts.icc ?? true);
  }
  const anchorPid = startMountAnchor();
  state.pids.push(anchorPid);
  writeLabState(state);
  writeLabEnv({
    overlayMtu,
    datapath,
    encrypted: opts.weavePassword === true,
    rootPid: anchorPid,
    weaveLaunch,
    weaveCallMs: opts.weaveCallMs ?? 1000,
    dockerVersion,
  });
  await startLabSshd(state);
  await startLabEmulators(state, opts, nomad.reported);
  state.configPath = writeLabConfig({
    overlayMtu,
    nomadAddress: state.nomadAddress,
    consul:
      state.consulBind === 'host'
        ? { access: 'direct', address: state.consulAddresses.u1 ?? `http://${getHostAddress('u1')}:8500` }
        : { access: 'ssh', address: 'http://127.0.0.1:8500' },
    nomadRegion: state.nomadRegion,
  });
  writeLabState(state);
  return state;
}

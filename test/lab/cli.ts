import { spawnSync } from 'node:child_process';
import { downLab, listLabNamespaces } from './lab-down.js';
import { buildSshArgv } from './lab-sshd.js';
import { formatLabStatus, getLabStatus } from './lab-status.js';
import { upLab } from './lab-up.js';
import { isLabHost, LAB_HOSTS, type WeaveLaunch } from './topology.js';

const USAGE = `usage: npm run lab -- <command>
  up [--overlay-mtu N] [--sleeve] [--weave-password] [--no-emulators]
                                          build the lab (a previous one is removed first); --overlay-mtu is
                                          WEAVE_MTU, --sleeve is WEAVE_NO_FASTDP (bridge MTU 65535),
                                          --weave-password reports encrypted connections (no real ESP here)
     [--nomad-version V] [--region R]     Nomad release to emulate (profiles 0.9.7, 1.11.1, 2.0.6; default 2.0.6;
     [--nomad-namespaces a,b]             releases in between follow the nearest lower profile), its region
                                          (default global) and extra namespaces (1.0+)
     [--nomad-multiregion]                deployments start initializing, then pending (a multiregion job of
                                          Nomad Enterprise 1.5+; open source never sets it); 1.5+ versions only
     [--consul-bind loopback|host]        where Consul agents' HTTP and DNS listen: loopback (127.0.0.1 of each
                                          host, Consul's default client_addr; the bot config uses access: ssh)
                                          or the host address (access: direct)
     [--weave-launch multi-tenant|default] how Weave was launched: multi-tenant (default) = --ipalloc-range
                                          10.32.0.0/16 --ipalloc-default-subnet 10.32.0.0/24; default = a plain
                                          'weave launch' (range 10.32.0.0/12, default subnet = the range)
     [--weave-call-ms N]                  time one 'weave' call takes (default 1000: the real script runs a container)
     [--docker-version V]                 Docker release of the hosts (default 24.0.7): 19.03.x has no ps {{.State}},
                                          25+ refuses API 1.18 (Weave 2.8.1's proxy and weave ps)
     [--icc=true|false]                   dockerd's --icc (default true, like Docker): false drops traffic between
                                          containers on one host's docker0 (-i docker0 -o docker0 -j DROP)
  down                                    remove everything the lab made
  status [--json]                         hosts, sshd, containers, addresses, config path
  exec <host> <command…>                  run a command on u1|u2|u3 over SSH, as the bot does`;

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

function optionalLaunch(value: string | undefined): { weaveLaunch?: WeaveLaunch } {
  if (value === undefined) return {};
  if (value !== 'default' && value !== 'multi-tenant') fail('--weave-launch must be default or multi-tenant');
  return { weaveLaunch: value };
}

function optionalIcc(value: string | undefined): { icc?: boolean } {
  if (value === undefined) return {};
  if (value !== 'true' && value !== 'false') fail('--icc must be true or false');
  return { icc: value === 'true' };
}

function fail(message: string, code = 2): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

/** The value of `--name V` or `--name=V`, if given. */
function readOption(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  return args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

async function runUp(args: string[]): Promise<void> {
  const mtuText = readOption(args, '--overlay-mtu');
  const overlayMtu = mtuText === undefined ? undefined : Number(mtuText);
  const namespaces = readOption(args, '--nomad-namespaces');
  const consulBind = readOption(args, '--consul-bind');
  if (consulBind !== undefined && consulBind !== 'loopback' && consulBind !== 'host') {
    fail(`--consul-bind must be loopback or host, not "${consulBind}"`);
  }
  const started = Date.now();
  const state = await upLab({
    overlayMtu,
    withoutEmulators: args.includes('--no-emulators'),
    ...optional('nomadVersion', readOption(args, '--nomad-version')),
    ...optional('nomadRegion', readOption(args, '--region')),
    ...(namespaces ? { nomadNamespaces: namespaces.split(',').filter(Boolean) } : {}),
    ...(args.includes('--nomad-multiregion') ? { nomadMultiregion: true } : {}),
    ...(consulBind ? { consulBind } : {}),
    ...(args.includes('--sleeve') ? { sleeve: true } : {}),
    ...(args.includes('--weave-password') ? { weavePassword: true } : {}),
    ...optionalLaunch(readOption(args, '--weave-launch')),
    ...optional('dockerVersion', readOption(args, '--docker-version')),
    ...optionalIcc(readOption(args, '--icc')),
    ...(readOption(args, '--weave-call-ms') === undefined
      ? {}
      : { weaveCallMs: Number(readOption(args, '--weave-call-ms')) }),
  });
  const lines = [
    `lab up in ${((Date.now() - started) / 1000).toFixed(1)} s (overlay mtu ${state.overlayMtu}, weave ${state.weaveDatapath ?? 'fastdp'} ${state.weaveLaunch ?? 'multi-tenant'} launch${state.weaveEncrypted ? ', encrypted' : ''}${state.icc === false ? ', docker --icc=false' : ''})`,
    ...state.hosts.map((h) => `  ${h.name}  ${h.address}  ns ${h.namespace}  sshd pid ${h.sshdPid}`),
    `  nomad  ${state.nomadAddress} (Nomad ${state.nomadVersion}, region ${state.nomadRegion})`,
    `  consul ${
      Object.entries(state.consulAddresses)
        .map(([h, a]) => `${h}=${a}`)
        .join(' ') || '-'
    }`,
    `  config ${state.configPath}`,
    `  try:   npm run lab -- exec u1 docker run -d --name a1 busybox`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function runDown(): Promise<void> {
  const removed = await downLab();
  const left = await listLabNamespaces();
  process.stdout.write(`lab down: removed ${removed.length} namespaces${left.length ? `; LEFT: ${left}` : ''}\n`);
  if (left.length) process.exitCode = 1;
}

/** Runs the command over real SSH with the ssh client; stdio passes through and the exit code is kept. */
function runExec(args: string[]): never {
  const [host, ...words] = args;
  if (host === undefined || !isLabHost(host) || words.length === 0) {
    fail(`usage: npm run lab -- exec <${LAB_HOSTS.join('|')}> <command…>`);
  }
  // One argument is taken as a shell line (quotes kept); several are joined like ssh does.
  const r = spawnSync(buildSshArgv(host, words.join(' '))[0]!, buildSshArgv(host, words.join(' ')).slice(1), {
    stdio: 'inherit',
  });
  process.exit(r.status ?? 255);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  switch (command) {
    case 'up':
      return runUp(args);
    case 'down':
      return runDown();
    case 'status': {
      const status = await getLabStatus();
      process.stdout.write(args.includes('--json') ? `${JSON.stringify(status, null, 2)}\n` : formatLabStatus(status));
      return;
    }
    case 'exec':
      return runExec(args);
    default:
      fail(USAGE);
  }
}

main(process.argv.slice(2)).catch((err: unknown) =>
  fail(`lab: ${err instanceof Error ? err.message : String(err)}`, 1),
);

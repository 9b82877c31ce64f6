import { defineTemplate, flag, list, value } from './argv.js';
import {
  ABS_PATH,
  BYTE_COUNT,
  CIDR,
  CONTAINER,
  CONTAINER_ID,
  DOCKER_HOST,
  DURATION_SECONDS,
  ENV_ASSIGNMENT,
  FTP_CREDENTIALS,
  HTTP_TARGET,
  IMAGE,
  IMAGE_ARG,
  INTERFACE,
  IP_PORT,
  IPV4,
  LABEL_KEY,
  LABEL_VALUE,
  NETWORK,
  PORT,
  RUN_ID,
  SCP_SOURCE,
  SMALL_SECONDS,
  STREAMS,
  TOOL,
  URL_PATH,
} from './params.js';

// The allowlist: every command the bot may run over SSH. Importing this module registers them; add new
// ones here, never build a command line anywhere else.

// --- finding containers -------------------------------------------------------------------------------
defineTemplate({
  name: 'docker.ps.byLabel',
  purpose: 'IDs of running containers with a label, e.g. com.hashicorp.nomad.alloc_id=<alloc>',
  argv: ['docker', 'ps', '-q', '--no-trunc', '--filter', 'label={label}={value}'],
  params: { label: value(LABEL_KEY), value: value(LABEL_VALUE) },
});
defineTemplate({
  name: 'docker.ps.all.byLabel',
  purpose: 'IDs of all containers (also stopped) with a label: step 1 of removing bench containers',
  argv: ['docker', 'ps', '-a', '-q', '--no-trunc', '--filter', 'label={label}={value}'],
  params: { label: value(LABEL_KEY), value: value(LABEL_VALUE) },
});
defineTemplate({
  name: 'docker.ps.byName',
  purpose: 'one container by exact name (Nomad names them <task>-<allocID>): "<id> <name> <state>"',
  argv: ['docker', 'ps', '-a', '--no-trunc', '--filter', 'name=^/{name}$', '--format', '{{.ID}} {{.Names}} {{.State}}'],
  params: { name: value(CONTAINER) },
});
defineTemplate({
  name: 'docker.ps.all',
  purpose: 'every container on the host: "<id> <name> <image> <state>" per line',
  argv: ['docker', 'ps', '-a', '--no-trunc', '--format', '{{.ID}} {{.Names}} {{.Image}} {{.State}}'],
  params: {},
});
defineTemplate({
  name: 'docker.inspect',
  purpose: 'full inspect JSON of a container (labels, networks, env)',
  argv: ['docker', 'inspect', '{container}'],
  params: { container: value(CONTAINER) },
});
defineTemplate({
  name: 'docker.inspect.bridgeIp',
  purpose: "a container's address on Docker's default bridge (empty when not on it): the docker0 isolation path",
  argv: ['docker', 'inspect', '-f', '{{.NetworkSettings.IPAddress}}', '{container}'],
  params: { container: value(CONTAINER) },
});
defineTemplate({
  name: 'docker.inspect.pid',
  purpose: 'PID of a container init process (for nsenter-free checks and debugging)',
  argv: ['docker', 'inspect', '-f', '{{.State.Pid}}', '{container}'],
  params: { container: value(CONTAINER) },
});

defineTemplate({
  name: 'docker.version',
  purpose: 'Docker CLI and Engine release and API version of the host (the supported window is checked once per host)',
  argv: ['docker', 'version', '--format', '{{.Client.Version}} {{.Server.Version}} {{.Server.APIVersion}}'],
  params: {},
});

// --- weave --------------------------------------------------------------------------------------------
defineTemplate({
  name: 'weave.ps',
  purpose: 'overlay IPs of one container: "<id> <mac> <ip/prefix>…"',
  argv: ['weave', 'ps', '{container}'],
  params: { container: value(CONTAINER) },
});
defineTemplate({
  name: 'weave.ps.all',
  purpose: 'overlay IPs of every attached container on the host (first line weave:expose)',
  argv: ['weave', 'ps'],
  params: {},
});
defineTemplate({
  name: 'weave.expose',
  purpose: 'give the host an address in a tenant subnet on the weave bridge, so its Consul agent can check overlay IPs',
  argv: ['weave', 'expose', 'net:{cidr}'],
  params: { cidr: value(CIDR) },
});
defineTemplate({
  name: 'weave.status',
  purpose: 'router summary for /status',
  argv: ['weave', 'status'],
  params: {},
});
defineTemplate({
  name: 'weave.status.connections',
  purpose: 'connections to peers (fastdp vs sleeve, established or failed)',
  argv: ['weave', 'status', 'connections'],
  params: {},
});
defineTemplate({
  name: 'weave.status.peers',
  purpose: 'peer list as this router sees it',
  argv: ['weave', 'status', 'peers'],
  params: {},
});

// --- probes from inside containers --------------------------------------------------------------------
defineTemplate({
  name: 'docker.exec.ping',
  purpose: 'one ICMP echo from a container to an IP (isolation check)',
  argv: ['docker', 'exec', '{container}', 'ping', '-c', '1', '-W', '{timeoutS}', '{ip}'],
  params: { container: value(CONTAINER), timeoutS: value(SMALL_SECONDS), ip: value(IPV4) },
});
/** Most targets one docker.exec.ping.batch carries; a source container with more gets several batches. */
export const PING_BATCH_MAX = 64;
/**
 * Pings one batch has in flight at once: the batch starts this many, waits for them, then the next ones. Each
 * target costs a few shell forks besides its ping; with eight execs per host (the SSH cap) an unbounded batch of 64
 * would start ~2,500 processes on one host at once, which on the lab's two cores (three hosts on one machine)
 * pushed the load past 200 and the execs past their bound. A wave ends within the ping deadline.
 */
export const PING_BATCH_WAVE = 16;
/**
 * docker.exec.ping's probe towards many targets in one `docker exec`: every target's `ping -c 1 -W <s> <ip>` runs
 * in the background, PING_BATCH_WAVE at a time, and each prints ONE line when it ends: `netops-probe <ip>`, then, each after a \037
 * (unit separator), ping's stdout lines, `rc <exit status>` and its stderr lines prefixed `E `, so the bot reads
 * every target exactly as it reads a lone ping (src/net/isolation/ping-batch.ts). Deadline and targets arrive as
 * positional parameters, always quoted, never spliced into the script. POSIX sh builtins only (printf, read, set,
 * wait; busybox ash and dash alike): nothing but `sh` and `ping` has to be in the image. The line is written by one
 * printf, far below PIPE_BUF; a line cut or mixed up anyway fails the parser's checks and that target is retried.
 */
const PING_BATCH_SCRIPT = String.raw`d=$1; shift
us=$(printf '\037')
nl='
'
n=0
for ip in "$@"; do
  (
    out=$( { { ping -c 1 -W "$d" "$ip" 2>&1 1>&3 3>&-; printf 'rc %s\n' "$?" >&3; } |
      while IFS= read -r l; do printf 'E %s\n' "$l"; done; } 3>&1 )
    IFS=$nl
    set -f
    line=
    for l in $out; do line="$line$us$l"; done
    printf 'netops-probe %s%s\n' "$ip" "$line"
  ) &
  n=$((n + 1))
  if [ "$n" -ge ${PING_BATCH_WAVE} ]; then wait; n=0; fi
done
wait`;
defineTemplate({
  name: 'docker.exec.ping.batch',
  purpose: `docker.exec.ping from one container to each of up to ${PING_BATCH_MAX} IPs at once, one result line per IP (isolation check)`,
  argv: ['docker', 'exec', '{container}', 'sh', '-c', PING_BATCH_SCRIPT, 'netops-ping-batch', '{timeoutS}', '{ips...}'],
  params: { container: value(CONTAINER), timeoutS: value(SMALL_SECONDS), ips: list(IPV4, PING_BATCH_MAX) },
});
defineTemplate({
  name: 'docker.exec.tcp',
  purpose: 'TCP connect test from a container (isolation check)',
  argv: ['docker', 'exec', '{container}', 'nc', '-z', '-w', '{timeoutS}', '{ip}', '{port}'],
  params: { container: value(CONTAINER), timeoutS: value(SMALL_SECONDS), ip: value(IPV4), port: value(PORT) },
});
defineTemplate({
  name: 'docker.exec.udp',
  purpose: 'UDP probe from a container (isolation check; only ICMP errors are conclusive)',
  argv: ['docker', 'exec', '{container}', 'nc', '-z', '-u', '-w', '{timeoutS}', '{ip}', '{port}'],
  params: { container: value(CONTAINER), timeoutS: value(SMALL_SECONDS), ip: value(IPV4), port: value(PORT) },
});
defineTemplate({
  name: 'docker.exec.ip-addr',
  purpose: 'IPv4 addresses inside a container, optionally of one interface (e.g. ethwe)',
  argv: ['docker', 'exec', '{container}', 'ip', '-4', '-o', 'addr', 'show', { if: 'dev', argv: ['dev', '{dev}'] }],
  params: { container: value(CONTAINER), dev: value(INTERFACE, true) },
});
defineTemplate({
  name: 'ip.link.show',
  purpose: 'interfaces and MTUs of the host (underlay MTU)',
  argv: ['ip', '-o', 'link', 'show'],
  params: {},
});

// --- benchmarks ---------------------------------------------------------------------------------------
defineTemplate({
  name: 'docker.run',
  purpose:
    'start a labelled bench container, on the overlay via WEAVE_CIDR through the Weave proxy socket (-H) or --net (plugin/host)',
  argv: [
    'docker',
    { if: 'host', argv: ['-H', '{host}'] },
    'run',
    '-d',
    '--name',
    '{name}',
    '-l',
    'netops.bench={runId}',
    { if: 'cidr', argv: ['-e', 'WEAVE_CIDR=net:{cidr}'] },
    { if: 'net', argv: ['--net={net}'] },
    '{image}',
    '{args...}',
  ],
  params: {
    name: value(CONTAINER),
    runId: value(RUN_ID),
    host: value(DOCKER_HOST, true),
    cidr: value(CIDR, true),
    net: value(NETWORK, true),
    image: value(IMAGE),
    args: list(IMAGE_ARG, 16),
  },
});
defineTemplate({
  name: 'docker.run.env',
  purpose:
    'start a labelled bench server with its settings in the environment (FTP user, SCP public key, ports), through the Weave proxy socket (-H) when the network asks',
  argv: [
    'docker',
    { if: 'host', argv: ['-H', '{host}'] },
    'run',
    '-d',
    '--name',
    '{name}',
    '-l',
    'netops.bench={runId}',
    { if: 'cidr', argv: ['-e', 'WEAVE_CIDR=net:{cidr}'] },
    { if: 'net', argv: ['--net={net}'] },
    { if: 'env1', argv: ['-e', '{env1}'] },
    { if: 'env2', argv: ['-e', '{env2}'] },
    { if: 'env3', argv: ['-e', '{env3}'] },
    { if: 'env4', argv: ['-e', '{env4}'] },
    { if: 'env5', argv: ['-e', '{env5}'] },
    '{image}',
    '{args...}',
  ],
  params: {
    name: value(CONTAINER),
    runId: value(RUN_ID),
    host: value(DOCKER_HOST, true),
    cidr: value(CIDR, true),
    net: value(NETWORK, true),
    env1: value(ENV_ASSIGNMENT, true),
    env2: value(ENV_ASSIGNMENT, true),
    env3: value(ENV_ASSIGNMENT, true),
    env4: value(ENV_ASSIGNMENT, true),
    env5: value(ENV_ASSIGNMENT, true),
    image: value(IMAGE),
    args: list(IMAGE_ARG, 16),
  },
});
defineTemplate({
  name: 'docker.rm',
  purpose: 'remove one container by name, running or not',
  argv: ['docker', 'rm', '-f', '{name}'],
  params: { name: value(CONTAINER) },
});
defineTemplate({
  name: 'docker.rm.ids',
  purpose: 'remove containers by ID: step 2 of removing by label (IDs from docker.ps.all.byLabel)',
  argv: ['docker', 'rm', '-f', '{ids...}'],
  params: { ids: list(CONTAINER_ID, 64) },
});
defineTemplate({
  name: 'docker.exec.iperf3.client',
  purpose: 'iperf3 client run from a container, JSON output, first second omitted (-O 1) unless told; -u -b 0 for UDP',
  argv: [
    'docker',
    'exec',
    '{container}',
    'iperf3',
    '-c',
    '{ip}',
    '-J',
    { if: 'omit', argv: ['-O', '1'] },
    '-t',
    '{seconds}',
    { if: 'port', argv: ['-p', '{port}'] },
    { if: 'streams', argv: ['-P', '{streams}'] },
    { if: 'udp', argv: ['-u', '-b', '0'] },
  ],
  params: {
    container: value(CONTAINER),
    ip: value(IPV4),
    seconds: value(DURATION_SECONDS),
    port: value(PORT, true),
    streams: value(STREAMS, true),
    udp: flag(),
    omit: flag(),
  },
});
defineTemplate({
  name: 'docker.ps.all.benchRuns',
  purpose: 'every bench container on the host with its run ID ("<id> <runId>"), to sweep those of dead runs',
  argv: [
    'docker',
    'ps',
    '-a',
    '--no-trunc',
    '--filter',
    'label=netops.bench',
    '--format',
    '{{.ID}} {{.Label "netops.bench"}}',
  ],
  params: {},
});
defineTemplate({
  name: 'ip.addr.show',
  purpose: 'IPv4 addresses of the host, to find the underlay interface that carries its config address',
  argv: ['ip', '-4', '-o', 'addr', 'show'],
  params: {},
});
defineTemplate({
  name: 'docker.exec.wget',
  purpose: 'HTTP GET of one file from a container (timed from outside: sh -c is not allowed)',
  argv: ['docker', 'exec', '{container}', 'wget', '-q', '-O', '/dev/null', 'http://{target}/{file}'],
  params: { container: value(CONTAINER), target: value(HTTP_TARGET), file: value(URL_PATH) },
});
defineTemplate({
  name: 'cat.proc.stat',
  purpose: 'CPU and memory counters of the host, sampled before and after a bench',
  argv: ['cat', '/proc/stat', '/proc/meminfo'],
  params: {},
});
defineTemplate({
  name: 'which',
  purpose: 'whether a tool exists on the host (`command -v` is a shell builtin, so `which`)',
  argv: ['which', '{tool}'],
  params: { tool: value(TOOL) },
});
defineTemplate({
  name: 'docker.exec.bench.payload',
  purpose: 'create the HTTP bench payload (random bytes) inside the HTTP server container, below its web root',
  argv: [
    'docker',
    'exec',
    '{container}',
    'sh',
    '-c',
    'head -c "$1" /dev/urandom > "$2"',
    'netops-payload',
    '{bytes}',
    '{path}',
  ],
  params: { container: value(CONTAINER), bytes: value(BYTE_COUNT), path: value(ABS_PATH) },
});
defineTemplate({
  name: 'docker.exec.curl.timed',
  purpose: 'HTTP GET from a container, timed by curl inside it: "<status> <bytes> <pretransfer s> <total s>"',
  argv: [
    'docker',
    'exec',
    '{container}',
    'curl',
    '-sS',
    '-o',
    '/dev/null',
    '-w',
    '%{http_code} %{size_download} %{time_pretransfer} %{time_total}\\n',
    'http://{target}/{file}',
  ],
  params: { container: value(CONTAINER), target: value(HTTP_TARGET), file: value(URL_PATH) },
});
defineTemplate({
  name: 'docker.exec.bench.file',
  purpose: 'create an FTP/SCP bench file (random bytes) inside a server container, making its directory first',
  argv: [
    'docker',
    'exec',
    '{container}',
    'sh',
    '-c',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion, not a JS template
    'mkdir -p "${2%/*}" && head -c "$1" /dev/urandom > "$2" && chmod 644 "$2"',
    'netops-payload',
    '{bytes}',
    '{path}',
  ],
  params: { container: value(CONTAINER), bytes: value(BYTE_COUNT), path: value(ABS_PATH) },
});
defineTemplate({
  name: 'docker.exec.curl.ftp',
  purpose: 'FTP download from a container with curl, timed inside it: "<last reply> <bytes> <pretransfer s> <total s>"',
  argv: [
    'docker',
    'exec',
    '{container}',
    'curl',
    '-sS',
    '-o',
    '/dev/null',
    '-u',
    '{credentials}',
    '-w',
    '%{response_code} %{size_download} %{time_pretransfer} %{time_total}\\n',
    'ftp://{target}/{file}',
  ],
  params: {
    container: value(CONTAINER),
    credentials: value(FTP_CREDENTIALS),
    target: value(IP_PORT),
    file: value(URL_PATH),
  },
});
defineTemplate({
  name: 'docker.exec.ssh-keygen',
  purpose: 'a per-run ed25519 key pair in the SCP client container (no passphrase; removed with the container)',
  argv: [
    'docker',
    'exec',
    '{container}',
    'ssh-keygen',
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-C',
    'netops-bench',
    '-f',
    '{path}',
  ],
  params: { container: value(CONTAINER), path: value(ABS_PATH) },
});
defineTemplate({
  name: 'docker.exec.cat.file',
  purpose: 'read a small file inside a bench container (the SCP client public key)',
  argv: ['docker', 'exec', '{container}', 'cat', '{path}'],
  params: { container: value(CONTAINER), path: value(ABS_PATH) },
});
defineTemplate({
  name: 'docker.exec.scp',
  purpose: 'copy a file from a container to another with scp -v (ssh prints the transfer rate at exit) into /dev/null',
  argv: [
    'docker',
    'exec',
    '{container}',
    'scp',
    '-v',
    '-o',
    'BatchMode=yes',
    '-o',
    'StrictHostKeyChecking=no',
    '-o',
    'UserKnownHostsFile=/dev/null',
    '-i',
    '{key}',
    '-P',
    '{port}',
    '{source}',
    '/dev/null',
  ],
  params: { container: value(CONTAINER), key: value(ABS_PATH), port: value(PORT), source: value(SCP_SOURCE) },
});
defineTemplate({
  name: 'docker.exec.iperf3.version',
  purpose: 'iperf3 version inside a bench container (loss figures need the same version, 3.14+, on both ends)',
  argv: ['docker', 'exec', '{container}', 'iperf3', '--version'],
  params: { container: value(CONTAINER) },
});
defineTemplate({
  name: 'docker.exec.cat.route',
  purpose: "a container's IPv4 routes, to find the interface its overlay address lives on (no `ip` needed)",
  argv: ['docker', 'exec', '{container}', 'cat', '/proc/net/route'],
  params: { container: value(CONTAINER) },
});
defineTemplate({
  name: 'docker.exec.cat.mtu',
  purpose: "MTU of one interface inside a container (the overlay's, as containers see it)",
  argv: ['docker', 'exec', '{container}', 'cat', '/sys/class/net/{dev}/mtu'],
  params: { container: value(CONTAINER), dev: value(INTERFACE) },
});
defineTemplate({
  name: 'cat.net.speed',
  purpose: "link speed in Mbit/s of a host interface (the underlay's), for the conditions of published figures",
  argv: ['cat', '/sys/class/net/{dev}/speed'],
  params: { dev: value(INTERFACE) },
});

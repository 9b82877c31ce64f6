import type { SshCommand, SshResult } from '../../../../src/clients/ssh/index.js';
import { cidrContainsIp, parseCidr, parseIpv4 } from '../../../../src/net/ipv4.js';

/** A container of the scripted network: which host it is on and which overlay addresses it has. */
export interface FakeContainer {
  host: string;
  name: string;
  ips: string[];
  /** Address on the host's docker0 (Docker's default bridge), when the container is on it. */
  bridgeIp?: string;
}

/** An SshResult with defaults. */
export function result(partial: Partial<SshResult>): SshResult {
  return { code: 0, stdout: '', stderr: '', truncated: false, durationMs: 5, ...partial };
}

const inSameSubnet = (a: string, b: string) => {
  const net = parseCidr(`${a.split('.').slice(0, 3).join('.')}.0/24`);
  return net !== undefined && cidrContainsIp(net, parseIpv4(b) ?? -1);
};

/** `docker inspect -f '{{.NetworkSettings.IPAddress}}' <name>`: the docker0 address or an empty line. */
function answerInspect(containers: FakeContainer[], host: string, argv: string[]): SshResult {
  const name = argv[argv.length - 1];
  const c = containers.find((x) => x.name === name && x.host === host);
  if (!c) return result({ code: 1, stderr: `Error: No such object: ${name}` });
  return result({ stdout: `${c.bridgeIp ?? ''}\n` });
}

/** A probe towards a docker0 address of the same host: through when the bridge joins both (icc). */
function answerBridgeProbe(tool: string | undefined, ip: string, bridged: boolean): SshResult {
  if (tool !== 'ping') return result({ code: bridged ? 0 : 1 });
  return bridged
    ? result({ stdout: `64 bytes from ${ip}: seq=0 ttl=64 time=0.050 ms\n` })
    : result({ code: 1, stdout: '1 packets transmitted, 0 received' });
}

/** One line of docker.exec.ping.batch's output for a ping that ended as `res` did (the script's format). */
export function batchLine(ip: string, res: Pick<SshResult, 'code' | 'stdout' | 'stderr'>): string {
  const lines = (text: string) => text.split('\n').filter(Boolean);
  const fields = [...lines(res.stdout), `rc ${res.code}`, ...lines(res.stderr).map((l) => `E ${l}`)];
  return `netops-probe ${ip}\x1f${fields.join('\x1f')}`;
}

/**
 * A stand-in for `ssh.run` that answers probe commands like Weave subnets would: a container reaches an address
 * when it has an address in the same /24. `extraReach` adds paths (leaks), `cut` removes them (breaks). Docker's
 * default bridge joins every container of one host that has a `bridgeIp`, unless `icc` is false (dockerd
 * `--icc=false`); `docker inspect` answers with that address. The ICMP batch gets one line per target, as its
 * script prints them.
 */
export function createFakeNetwork(
  containers: FakeContainer[],
  opts: { extraReach?: Array<[string, string]>; cut?: Array<[string, string]>; icc?: boolean } = {},
) {
  const calls: Array<{ host: string; template: string; argv: string[] }> = [];
  const answer = (host: string, container: string, tool: string, ip: string): SshResult => {
    const src = containers.find((c) => c.name === container && c.host === host);
    if (!src) return result({ code: 1, stderr: `Error: No such container: ${container}` });
    if (containers.some((c) => c.host === host && c.bridgeIp === ip)) {
      return answerBridgeProbe(tool, ip, (opts.icc ?? true) && src.bridgeIp !== undefined);
    }
    const dst = containers.find((c) => c.ips.includes(ip));
    const pair = (p: [string, string]) => p[0] === src.name && p[1] === dst?.name;
    const reach =
      !opts.cut?.some(pair) && (opts.extraReach?.some(pair) || src.ips.some((own) => inSameSubnet(own, ip)));
    if (tool === 'ping') {
      return reach
        ? result({ stdout: `64 bytes from ${ip}: seq=0 ttl=64 time=0.123 ms\n` })
        : result({ code: 1, stdout: '1 packets transmitted, 0 received' });
    }
    return reach ? result({ code: 0 }) : result({ code: 1 });
  };
  const run = async (host: string, cmd: SshCommand): Promise<SshResult> => {
    calls.push({ host, template: cmd.template, argv: cmd.argv });
    if (cmd.argv[1] === 'inspect') return answerInspect(containers, host, cmd.argv);
    const [, , container = '', tool = ''] = cmd.argv;
    if (cmd.template === 'docker.exec.ping.batch') {
      // argv: docker exec <container> sh -c <script> netops-ping-batch <deadline> <ip>...
      if (!containers.some((c) => c.name === container && c.host === host)) {
        return result({ code: 1, stderr: `Error response from daemon: No such container: ${container}` });
      }
      const lines = cmd.argv.slice(8).map((ip) => batchLine(ip, answer(host, container, 'ping', ip)));
      return result({ stdout: `${lines.join('\n')}\n` });
    }
    const ip = cmd.argv.find((a, i) => i > 3 && /^\d+\.\d+\.\d+\.\d+$/.test(a))!;
    return answer(host, container, tool, ip);
  };
  return { run, calls };
}

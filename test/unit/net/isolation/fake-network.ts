import type { SshCommand, SshResult } from '../../../../src/clients/ssh/index.js';
import { cidrContainsIp, parseCidr, parseIpv4 } from '../../../../src/net/ipv4.js';

/** A container of the scripted network: which host it is on and which overlay addresses it has. */
export interface FakeContainer {
  host: string;
  name: string;
  ips: string[];
}

/** An SshResult with defaults. */
export function result(partial: Partial<SshResult>): SshResult {
  return { code: 0, stdout: '', stderr: '', truncated: false, durationMs: 5, ...partial };
}

const inSameSubnet = (a: string, b: string) => {
  const net = parseCidr(`${a.split('.').slice(0, 3).join('.')}.0/24`);
  return net !== undefined && cidrContainsIp(net, parseIpv4(b) ?? -1);
};

/**
 * A stand-in for `ssh.run` that answers probe commands like Weave subnets would: a container reaches an address
 * when it has an address in the same /24. `extraReach` adds paths (leaks), `cut` removes them (breaks).
 */
export function createFakeNetwork(
  containers: FakeContainer[],
  opts: { extraReach?: Array<[string, string]>; cut?: Array<[string, string]> } = {},
) {
  const calls: Array<{ host: string; template: string; argv: string[] }> = [];
  const run = async (host: string, cmd: SshCommand): Promise<SshResult> => {
    calls.push({ host, template: cmd.template, argv: cmd.argv });
    const [, , container, tool] = cmd.argv;
    const ip = cmd.argv.find((a, i) => i > 3 && /^\d+\.\d+\.\d+\.\d+$/.test(a))!;
    const src = containers.find((c) => c.name === container && c.host === host);
    if (!src) return result({ code: 1, stderr: `Error: No such container: ${container}` });
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
  return { run, calls };
}

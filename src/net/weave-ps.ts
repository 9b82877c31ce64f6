/** One line of `weave ps`: a container (or the host's `weave:expose`) attached to the overlay on this host. */
interface WeaveAttachment {
  /** 12-char container id, or the name given on the command line, or `weave:expose`. */
  id: string;
  mac: string;
  /** Addresses with prefix, e.g. `10.32.1.2/24`; empty when attached without an address. */
  cidrs: string[];
}

export interface WeavePs {
  /** The host's own overlay addresses (`weave expose`), if any. */
  expose: WeaveAttachment | undefined;
  containers: WeaveAttachment[];
}

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;
const CIDR = /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/;

/**
 * Parses `weave ps [containers…]` output (weave `site/troubleshooting.md`): `<id|name> <MAC> [<ip/prefix>…]`
 * per line, first line `weave:expose <MAC> [ips]`. Lines that do not fit are ignored rather than guessed at.
 */
export function parseWeavePs(stdout: string): WeavePs {
  const attachments: WeaveAttachment[] = [];
  for (const line of stdout.split('\n')) {
    const [id, mac, ...rest] = line.trim().split(/\s+/);
    if (!id || !mac || !MAC.test(mac)) continue;
    attachments.push({ id, mac: mac.toLowerCase(), cidrs: rest.filter((c) => CIDR.test(c)) });
  }
  return {
    expose: attachments.find((a) => a.id === 'weave:expose'),
    containers: attachments.filter((a) => a.id !== 'weave:expose'),
  };
}

/** The address part of `10.32.1.2/24`. */
export function addressOf(cidr: string): string {
  return cidr.split('/')[0] ?? cidr;
}

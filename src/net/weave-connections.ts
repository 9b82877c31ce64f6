/** One line of `weave status connections`. */
export interface WeaveConnection {
  /** `->` (this router dialled) or `<-`. */
  outbound: boolean;
  /** Remote TCP address as printed, e.g. `192.168.56.12:6783`. */
  address: string;
  /** IP part of {@link address}. */
  ip: string;
  /** established, pending, retrying, failed, connecting, waiting. */
  state: string;
  /** `fastdp` or `sleeve` for an overlay connection; undefined when the line names none (failed, retrying). */
  datapath?: string;
  /** True / false when the router runs with a password (`encrypted` / `unencrypted`); undefined without one. */
  encrypted?: boolean;
  /** The `mtu=` attribute: fastdp's datapath MTU, or the path MTU sleeve verified. */
  mtu?: number;
  /** Peer as `<name>(<nickname>)`. */
  peer?: string;
  /** Everything after the state, for messages. */
  info: string;
}

/**
 * Parses `weave status connections`. The router prints each line from weaveworks/weave v2.8.1
 * prog/weaver/http.go:233-235: `{->|<-} %-21v(address) %-11v(state) {info} {attrs}`, where info is
 * `%-6v %v` of the overlay name and the remote peer, prefixed with `%-11v` `encrypted`/`unencrypted` when the
 * router has a password (vendor/github.com/weaveworks/mesh/status.go:172-181), and attrs are `key=value` pairs
 * printed with no separator and without `name` (`encrypted=truemtu=1376`). Lines that do not fit are skipped.
 */
export function parseWeaveConnections(stdout: string): WeaveConnection[] {
  const out: WeaveConnection[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^\s*(->|<-)\s+(\S+)\s+(\S+)\s*(.*)$/.exec(line);
    if (!m?.[1] || !m[2] || !m[3]) continue;
    const info = (m[4] ?? '').trim();
    const words = info.split(/\s+/);
    let i = 0;
    let encrypted: boolean | undefined;
    if (words[i] === 'encrypted' || words[i] === 'unencrypted') encrypted = words[i++] === 'encrypted';
    const datapath = words[i] === 'fastdp' || words[i] === 'sleeve' ? words[i++] : undefined;
    const peer = datapath && /^[0-9a-f:]{17}\(.*\)$/i.test(words[i] ?? '') ? words[i] : undefined;
    // Attrs print in key order with no separator, so `mtu` (after `encrypted`) ends the line: `encrypted=truemtu=1376`.
    const mtu = /mtu=(\d+)\s*$/.exec(info)?.[1];
    const encAttr = /encrypted=(true|false)/.exec(info)?.[1];
    if (encAttr !== undefined) encrypted = encAttr === 'true';
    out.push({
      outbound: m[1] === '->',
      address: m[2],
      ip: m[2].replace(/:\d+$/, ''),
      state: m[3],
      ...(datapath ? { datapath } : {}),
      ...(encrypted !== undefined ? { encrypted } : {}),
      ...(mtu ? { mtu: Number(mtu) } : {}),
      ...(peer ? { peer } : {}),
      info,
    });
  }
  return out;
}

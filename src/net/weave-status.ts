/** What `/status` shows of a Weave router: peers and connections as `weave status` reports them. */
export interface WeaveRouterStatus {
  peers: number | null;
  connections: number | null;
  established: number | null;
  /** Connection modes seen in `weave status connections` (fastdp, sleeve). */
  modes: string[];
  mtus: number[];
}

/** Parses `weave status` (the `Peers: 3` / `Connections: 2 (2 established)` lines) and `weave status connections`. */
export function parseWeaveStatus(status: string, connections = ''): WeaveRouterStatus {
  const num = (re: RegExp) => {
    const m = re.exec(status);
    return m ? Number(m[1]) : null;
  };
  const lines = connections.split('\n').filter((l) => /established|failed|pending|connecting/.test(l));
  return {
    peers: num(/^\s*Peers:\s*(\d+)/m),
    connections: num(/^\s*Connections:\s*(\d+)/m),
    established: num(/^\s*Connections:\s*\d+\s*\((\d+)\s+established/m),
    modes: [...new Set(lines.map((l) => /\b(fastdp|sleeve)\b/.exec(l)?.[1]).filter((m): m is string => Boolean(m)))],
    mtus: [...new Set(lines.map((l) => Number(/mtu=(\d+)/.exec(l)?.[1])).filter((n) => n > 0))],
  };
}

import { Resolver } from 'node:dns/promises';
import { ErrorCode, NetopsError } from '../../errors.js';

/** What clients of Consul DNS get for a name. */
export interface ConsulDnsAnswer {
  a: string[];
  srv: Array<{ target: string; port: number }>;
}

/** Where to ask. */
export interface ConsulDnsOptions {
  /** IPv4 address of a Consul agent's DNS interface. */
  server: string;
  /** @defaultValue 8600 */
  port?: number;
  /** Per-try timeout. @defaultValue 2000 */
  timeoutMs?: number;
}

// "No such name" and "no records of this type" are answers, not failures.
const EMPTY_ANSWER_CODES = new Set(['ENOTFOUND', 'ENODATA']);

/**
 * Resolves `name` (e.g. `web.service.consul`) against a Consul DNS server: A records and SRV records.
 * Used to verify what clients really get, since Consul omits unhealthy instances from DNS.
 */
export async function resolveConsulDns(name: string, opts: ConsulDnsOptions): Promise<ConsulDnsAnswer> {
  const resolver = new Resolver({ timeout: opts.timeoutMs ?? 2000, tries: 2 });
  resolver.setServers([`${opts.server}:${opts.port ?? 8600}`]);
  const [a, srv] = await Promise.all([
    resolveOrEmpty(() => resolver.resolve4(name), name, opts),
    resolveOrEmpty(() => resolver.resolveSrv(name), name, opts),
  ]);
  return {
    a: [...a].sort(),
    srv: srv.map((r) => ({ target: r.name, port: r.port })).sort((x, y) => x.target.localeCompare(y.target)),
  };
}

async function resolveOrEmpty<T>(fn: () => Promise<T[]>, name: string, opts: ConsulDnsOptions): Promise<T[]> {
  try {
    return await fn();
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'EUNKNOWN';
    if (EMPTY_ANSWER_CODES.has(code)) return [];
    const where = `${opts.server}:${opts.port ?? 8600}`;
    throw new NetopsError(ErrorCode.UpstreamUnreachable, `consul dns ${name} @${where}: ${code}`, {
      userMessage: `Consul DNS at ${where} did not answer for ${name} (${code})`,
      retryable: true,
      cause: err,
    });
  }
}

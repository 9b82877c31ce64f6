import { connect } from 'node:net';
import type { CheckDefinition } from './service-definition.js';

/** The outcome of one check run, with output like the real agent's. */
export interface CheckResult {
  status: 'passing' | 'warning' | 'critical';
  output: string;
}

/**
 * Runs one HTTP or TCP check from this process's network namespace (the agent runs inside its host's
 * namespace, so that is where the probe comes from): HTTP 2xx passing, 429 warning, else critical; TCP
 * connect success passing.
 */
export async function runCheck(check: CheckDefinition): Promise<CheckResult> {
  if (check.Type === 'http') return runHttpCheck(check.HTTP as string, check.Method, check.TimeoutMs);
  if (check.Type === 'tcp') return runTcpCheck(check.TCP as string, check.TimeoutMs);
  return { status: 'critical', output: 'TTL expired' };
}

async function runHttpCheck(url: string, method: string, timeoutMs: number): Promise<CheckResult> {
  try {
    const res = await fetch(url, { method, signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
    const body = (await res.text()).slice(0, 4096);
    const line = `HTTP ${method} ${url}: ${res.status} ${res.statusText} Output: ${body}`;
    if (res.status >= 200 && res.status < 300) return { status: 'passing', output: line };
    return { status: res.status === 429 ? 'warning' : 'critical', output: line };
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const reason =
      (err as Error).name === 'TimeoutError'
        ? `context deadline exceeded (Client.Timeout exceeded while awaiting headers)`
        : (cause?.code ?? cause?.message ?? (err as Error).message);
    return { status: 'critical', output: `${method} "${url}": ${describeSocketError(reason)}` };
  }
}

function runTcpCheck(target: string, timeoutMs: number): Promise<CheckResult> {
  const sep = target.lastIndexOf(':');
  const host = target.slice(0, sep);
  const port = Number(target.slice(sep + 1));
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const finish = (result: CheckResult) => {
      socket.destroy();
      resolve(result);
    };
    socket.once('connect', () => finish({ status: 'passing', output: `TCP connect ${target}: Success` }));
    socket.once('timeout', () => finish({ status: 'critical', output: `dial tcp ${target}: i/o timeout` }));
    socket.once('error', (err: NodeJS.ErrnoException) =>
      finish({ status: 'critical', output: `dial tcp ${target}: ${describeSocketError(err.code ?? err.message)}` }),
    );
  });
}

function describeSocketError(code: string): string {
  const texts: Record<string, string> = {
    ECONNREFUSED: 'connect: connection refused',
    EHOSTUNREACH: 'connect: no route to host',
    ENETUNREACH: 'connect: network is unreachable',
    ETIMEDOUT: 'i/o timeout',
  };
  return texts[code] ?? code;
}

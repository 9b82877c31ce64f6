import type { WaitOptions } from '../../helpers/wait-for.js';
import { start as startConsul, stop as stopConsul } from '../../lab/consul/start.js';
import { start as startNomad, stop as stopNomad } from '../../lab/nomad/start.js';

/** Small HTTP helpers shared by the Nomad and Consul lab e2e tests (plain fetch, no bot code). */

/**
 * Starts the emulated Consul and Nomad on a lab brought up without them. The tests start them directly
 * (not through the lab's emulator shim) so a failure to start fails the suite instead of becoming a warning.
 */
export async function startLabApis(): Promise<void> {
  // These suites call the agents' APIs from the root namespace: agents bound to the host address (client_addr set
  // by an operator), not Consul's loopback default.
  await startConsul({ consulBind: 'host' });
  await startNomad();
}

/** Stops what startLabApis started. */
export async function stopLabApis(): Promise<void> {
  await stopNomad();
  await stopConsul();
}

interface ApiResponse {
  status: number;
  text: string;
  index: string | null;
  json<T = unknown>(): T;
}

/** Sends a request and returns status, raw text and the index header, never throwing on non-2xx. */
export async function callApi(
  url: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { 'Content-Type': 'application/json', ...init.headers },
    body: init.body === undefined ? null : JSON.stringify(init.body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  return {
    status: res.status,
    text,
    index: res.headers.get('x-nomad-index') ?? res.headers.get('x-consul-index'),
    json: <T>() => JSON.parse(text) as T,
  } satisfies ApiResponse;
}

/**
 * How these suites poll an API with test/helpers/wait-for.ts: every 300 ms, and a probe that throws (an API still
 * starting) is tried again, its last error named on timeout.
 */
export const API_POLL: WaitOptions = { intervalMs: 300, retryErrors: true };

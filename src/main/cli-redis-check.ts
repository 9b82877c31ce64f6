import { Redis } from 'ioredis';

/** How long the one-shot CLI waits for Redis before saying it is unreachable. */
const CLI_REDIS_TIMEOUT_MS = 3_000;

/**
 * Whether Redis answers a PING within `timeoutMs`; the reason when it does not. The one-shot CLI asks this before
 * starting its runtime, whose worker connections would otherwise wait for Redis forever (as BullMQ requires),
 * leaving the user with a silent hang.
 */
export async function probeRedis(url: string, timeoutMs = CLI_REDIS_TIMEOUT_MS): Promise<string | undefined> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    connectionName: 'netops-cli-probe',
  });
  // connect() rejects with "Connection is closed"; the socket's own error (ECONNREFUSED…) says more.
  let firstError: unknown;
  client.on('error', (err) => {
    firstError ??= err;
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<string>((r) => {
    timer = setTimeout(() => r(`no answer within ${timeoutMs / 1000} s`), timeoutMs);
  });
  try {
    const outcome = await Promise.race([
      client
        .connect()
        .then(() => client.ping())
        .then(() => undefined)
        .catch((err: unknown) => describeConnectError(firstError ?? err)),
      deadline,
    ]);
    return outcome;
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

/** The URL as safe to print: without user and password. */
export function describeRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return '(unparsable REDIS_URL)';
  }
}

function describeConnectError(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && /^[A-Z_]{2,40}$/.test(code)) return code;
  // Redis' own answers (NOAUTH, WRONGPASS…) start with an upper-case word; nothing else is printed.
  const word = /^([A-Z]{2,20})\b/.exec(err instanceof Error ? err.message : '')?.[1];
  return word ?? 'connection failed';
}

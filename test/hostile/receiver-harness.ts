import { readFileSync } from 'node:fs';
import { type HttpBot, startHttpBot as startSharedHttpBot } from '../helpers/http-bot.js';

export type { HttpBot };
export const SECRET = 'hostile-signing-secret-0123456789abcdef';
const TOKEN = 'xoxb-hostile-0000-test-token';

/**
 * The bot in HTTP mode (test/helpers/http-bot.ts) with U0ANN and U0BOB as admins, as every hostile receiver suite
 * uses it.
 */
export function startHttpBot(): Promise<HttpBot> {
  return startSharedHttpBot({ secret: SECRET, token: TOKEN, admins: ['U0ANN', 'U0BOB'] });
}

/** Resident memory of a process in bytes (Linux /proc). */
export function readRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (!kb) throw new Error(`no VmRSS for ${pid}`);
  return Number(kb) * 1024;
}

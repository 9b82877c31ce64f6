import { describe, expect, it } from 'vitest';
import { spawnEntry } from '../../helpers/spawn-bot.js';

/** Runs an entry point until it exits on its own; fails after `timeoutMs`. */
async function exitOf(entry: string, env: Record<string, string>, timeoutMs = 60_000) {
  const proc = spawnEntry(entry, env);
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still running:\n${proc.output()}`)), timeoutMs);
    proc.child.once('exit', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  }).finally(() => proc.stop('SIGKILL'));
  return { code, output: proc.output() };
}

describe('start-up checks the process environment (config/env.ts)', () => {
  it('NETOPS_ROLE=wrker stops npm start with an error naming the variable', async () => {
    const { code, output } = await exitOf('start.ts', { NETOPS_ROLE: 'wrker' });
    expect(code).toBe(1);
    expect(output).toContain('NETOPS_ROLE: must be all, bot or worker, got "wrker"');
  });

  it('a malformed NETOPS_RATE_LIMIT stops the bot process before it starts anything', async () => {
    const { code, output } = await exitOf('bot.ts', { NETOPS_RATE_LIMIT: '60;10' });
    expect(code).toBe(1);
    expect(output).toContain('NETOPS_RATE_LIMIT: must be off or');
    expect(output).not.toContain('started embedded redis-server');
  });
});

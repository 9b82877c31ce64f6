import type { ProcessRole } from '../config/index.js';
import { describeForUser, isNetopsError } from '../errors.js';
import type { Logger } from '../logging.js';
import { buildProcess } from './build-process.js';
import { loadSettings } from './settings.js';

/**
 * `npm start`: bot and worker in one process (NETOPS_ROLE=bot or worker splits them for scale-out). The front
 * end is NETOPS_FRONTEND (http | socket | console), else `slack.frontend`, else what the secrets allow (see
 * chooseFrontEnd); workers run none and only need the bot token to post replies. REDIS_URL unset starts the
 * embedded redis-server. Everything is built by buildProcess (build-process.ts); this file starts and stops it.
 */
export async function start(roleArg?: ProcessRole): Promise<void> {
  const settings = await loadSettings(process.env);
  const netops = await buildProcess(settings, { kind: 'serve', role: roleArg ?? settings.env.NETOPS_ROLE ?? 'all' });
  await netops.start();
  const stop = once(async () => {
    netops.logger.info('shutting down');
    await netops.close();
    process.exit(0);
  });
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await netops.serve();
  // The console REPL returns when the user leaves it; Slack and workers run until a signal.
  if (netops.frontEnd === 'console') stop();
}

function once(fn: () => Promise<void>): () => void {
  let started = false;
  return () => {
    if (started) return;
    started = true;
    void fn();
  };
}

export function reportFatal(err: unknown, logger?: Logger): never {
  const text = isNetopsError(err) ? (err.userMessage ?? err.message) : describeForUser(err, 'startup');
  process.stderr.write(`netops: ${text}\n`);
  if (!isNetopsError(err)) logger?.error({ err }, 'fatal');
  process.exit(1);
}

if (import.meta.url === `file://${process.argv[1]}`) start().catch((err) => reportFatal(err));

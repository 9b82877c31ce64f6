import pino from 'pino';
import { type ConsoleRunResult, formatConsoleResult, runConsoleCommand, toJsonOutput } from '../chat/console-front.js';
import { buildHelpReport, commandRegistry, parseCommand } from '../commands/index.js';
import { loadConfig } from '../config/index.js';
import { describeForUser, isNetopsError } from '../errors.js';
import { createLogger } from '../logging.js';
import type { Report } from '../report/model.js';
import { CLI_USAGE, parseCliArgs } from './cli-args.js';
import { loggerOptionsFor } from './logger-options.js';
import { createProcessors } from './processors.js';
import { startRuntime } from './runtime.js';

/**
 * One-shot CLI: parse, enqueue, run (workers in this process), print the rendered reply or the Report JSON.
 * Exit 0 on success, 1 on a failed job, 2 on a usage error.
 */
async function main(): Promise<number> {
  const args = parseCliArgs(process.argv.slice(2));
  if ('error' in args) {
    process.stderr.write(`${args.error === 'help' ? '' : `${args.error}\n`}${CLI_USAGE}\n`);
    return args.error === 'help' ? 0 : 2;
  }
  // Usage errors and help need no queue: answer them before starting Redis or loading cluster clients.
  const early = answerWithoutQueue(args.text);
  if (early) {
    process.stdout.write(args.json ? `${JSON.stringify(toJsonOutput(early), null, 2)}\n` : formatConsoleResult(early));
    return early.exitCode;
  }
  const config = loadConfig(process.env, args.config ? { path: args.config } : {});
  // stdout carries the result only; logs go to stderr and stay quiet unless LOG_LEVEL asks for more.
  const logger = createLogger({
    ...loggerOptionsFor(config),
    level: process.env.LOG_LEVEL ?? 'error',
    destination: pino.destination({ dest: 2, sync: true }),
  });
  // Bench locks and history share the runtime's Redis; the factory is only called once a job runs.
  const processors = await createProcessors(config, logger, { redis: () => runtime.connect('worker') });
  const runtime = await startRuntime({
    redisUrl: config.redis?.url,
    logger,
    workers: { processors: processors.registry },
  });
  const abort = new AbortController();
  const onSignal = () => abort.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const result = await runConsoleCommand(
      {
        intake: runtime.intake,
        store: runtime.store,
        subscriber: () => runtime.connect('subscriber'),
        write: (t) => process.stderr.write(t),
        userId: args.as ?? 'console',
        showProgress: !args.json,
      },
      args.text,
      abort.signal,
    );
    process.stdout.write(
      args.json ? `${JSON.stringify(toJsonOutput(result), null, 2)}\n` : formatConsoleResult(result),
    );
    return result.exitCode;
  } finally {
    await runtime.close();
    await processors.close();
  }
}

function answerWithoutQueue(text: string): ConsoleRunResult | undefined {
  try {
    const parsed = parseCommand(text);
    if (parsed.name !== 'help') return undefined;
    const command = (parsed.args as { command?: string }).command;
    const report = buildHelpReport(commandRegistry, command ? { command } : {}) as unknown as Report;
    return { intake: { kind: 'answer', report }, report, exitCode: 0 };
  } catch (err) {
    return { intake: { kind: 'usage', message: describeForUser(err, 'usage') }, exitCode: 2 };
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    // Config problems and other user-safe errors are shown as they are; anything else as a short reference.
    const text = isNetopsError(err) ? (err.userMessage ?? err.message) : describeForUser(err, 'cli');
    process.stderr.write(`netops: ${text}\n`);
    if (!isNetopsError(err)) process.stderr.write(`${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  },
);

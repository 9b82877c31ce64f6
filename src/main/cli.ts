import { mayRun, NO_POLICY_MESSAGE } from '../access/policy.js';
import {
  type ConsoleRunResult,
  formatConsoleResult,
  runConsoleCommand,
  toJsonOutput,
} from '../chat/console/console-front.js';
import { buildHelpReport, commandRegistry, isCommand, parseCommand } from '../commands/index.js';
import type { Config } from '../config/index.js';
import { describeForUser, isNetopsError } from '../errors.js';
import { buildProcess } from './build-process.js';
import { exportAudit, parseAccessCli, parseSinceMs, runDecisionCli } from './cli-access.js';
import { CLI_USAGE, parseCliArgs } from './cli-args.js';
import { describeRedisUrl, probeRedis } from './cli-redis-check.js';
import type { Runtime } from './runtime.js';
import { loadSettings } from './settings.js';

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
  const accessCli = parseAccessCli(args.text);
  // Usage errors need nothing else: answer them before loading config or starting Redis.
  const usage = accessCli ? undefined : answerUsageError(args.text);
  if (usage) {
    process.stdout.write(args.json ? `${JSON.stringify(toJsonOutput(usage), null, 2)}\n` : formatConsoleResult(usage));
    return usage.exitCode;
  }
  const settings = await loadSettings(process.env, { configPath: args.config });
  const { config } = settings;
  const userId = args.as ?? config.policy?.console.user ?? 'console';
  // /help needs the policy (it lists what this user may run) but no queue.
  const help = accessCli ? undefined : answerHelp(args.text, config, userId);
  if (help) {
    process.stdout.write(args.json ? `${JSON.stringify(toJsonOutput(help), null, 2)}\n` : formatConsoleResult(help));
    return help.exitCode;
  }
  // A configured Redis that does not answer is said at once: the workers would otherwise wait for it forever.
  if (await reportUnreachableRedis(config.redis?.url)) return 1;
  // Reading the audit trail runs no command: no workers for it.
  const netops = await buildProcess(settings, { kind: 'one-shot', workers: accessCli?.kind !== 'audit-export' });
  const { runtime } = netops;
  const abort = new AbortController();
  const onSignal = () => abort.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await netops.start();
    if (accessCli?.kind === 'audit-export') return await writeAuditExport(runtime.stores.audit, args.since);
    if (accessCli?.kind === 'decide') {
      return await runDecisionCli(
        {
          decide: runtime.chat.decideApproval,
          store: runtime.stores.jobs,
          subscriber: () => runtime.redis.connect('subscriber'),
          write: (t) => process.stdout.write(t),
        },
        { ...accessCli, userId },
        abort.signal,
      );
    }
    const result = await runConsoleCommand(
      {
        intake: runtime.chat.intake,
        store: runtime.stores.jobs,
        subscriber: () => runtime.redis.connect('subscriber'),
        write: (t) => process.stderr.write(t),
        userId,
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
    await netops.close();
  }
}

function answerUsageError(text: string): ConsoleRunResult | undefined {
  try {
    parseCommand(text);
    return undefined;
  } catch (err) {
    return { intake: { kind: 'usage', message: describeForUser(err, 'usage') }, exitCode: 2 };
  }
}

/** `/help` for the CLI user: only the commands the policy lets them run, and why when there are none. */
function answerHelp(text: string, config: Config, userId: string): ConsoleRunResult | undefined {
  const parsed = parseCommand(text);
  if (!isCommand(parsed, 'help')) return undefined;
  const { command } = parsed.args;
  const who = { userId };
  try {
    const report = buildHelpReport(commandRegistry, {
      ...(command ? { command } : {}),
      allowed: (spec) => mayRun(config.policy as Parameters<typeof mayRun>[0], spec, who),
    });
    if (!config.policy) report.blocks.push({ kind: 'alert', level: 'info', text: NO_POLICY_MESSAGE });
    return { intake: { kind: 'answer', report }, report, exitCode: 0 };
  } catch (err) {
    return { intake: { kind: 'refused', message: describeForUser(err, 'help') }, exitCode: 1 };
  }
}

/** `audit export`: JSON Lines on stdout; malformed records are skipped and counted on stderr. */
async function writeAuditExport(log: Runtime['stores']['audit'], since: string | undefined): Promise<number> {
  const stats = { skipped: 0 };
  await exportAudit(log, parseSinceMs(since, Date.now()), (l) => process.stdout.write(l), stats);
  if (stats.skipped > 0) process.stderr.write(`audit export: skipped ${stats.skipped} malformed record(s)\n`);
  return 0;
}

/** True (after saying so on stderr) when a configured Redis does not answer. */
async function reportUnreachableRedis(url: string | undefined): Promise<boolean> {
  const problem = url ? await probeRedis(url) : undefined;
  if (!url || !problem) return false;
  process.stderr.write(
    `Redis at ${describeRedisUrl(url)} is unreachable (${problem}): nothing was run. Start Redis, or unset REDIS_URL to use a private embedded one.\n`,
  );
  return true;
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

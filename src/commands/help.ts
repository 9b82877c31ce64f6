import { ForbiddenError } from '../errors.js';
import type { Report, ReportBlock } from '../report/model.js';
import { resolveHelpTopic } from './help-topic.js';
import type { CommandRegistry } from './registry.js';
import { HELP_SLASH, slashTextOf } from './slash-names.js';
import type { CommandSpec } from './types.js';

export interface HelpOptions {
  /** Explain this one command (`deploy`, `/cni-bench history`, `cni-bench-history`); omitted: list them all. */
  command?: string;
  /** Which commands the asker may run here; the others are left out. @defaultValue every command */
  allowed?: (spec: CommandSpec) => boolean;
}

/** Report JSON fields of /help: the spec names shown. */
export interface HelpFields {
  commands: string[];
}

/** One line for a command: its usage in code and its summary. */
export function formatUsage(spec: CommandSpec): string {
  return `\`${spec.usage}\` — ${spec.summary}`;
}

/**
 * The /help report, generated from the specs only: every (allowed) command with usage, summary and first
 * example, or one command in full (usage, summary, details, every example).
 * @throws UsageError for an unknown command; ForbiddenError for one the asker may not run.
 */
export function buildHelpReport(registry: CommandRegistry, opts: HelpOptions = {}): Report & HelpFields {
  const allowed = opts.allowed ?? (() => true);
  if (opts.command !== undefined && opts.command.trim() !== '') {
    const spec = resolveHelpTopic(registry, opts.command);
    if (!allowed(spec)) throw new ForbiddenError(`you may not run ${slashTextOf(spec.words)} here`);
    return buildCommandHelp(spec);
  }
  return buildOverview(registry.all().filter(allowed));
}

function buildOverview(specs: CommandSpec[]): Report & HelpFields {
  const blocks: ReportBlock[] = [
    {
      kind: 'table',
      columns: ['command', 'what it does', 'example'],
      rows: specs.map((spec) => [spec.usage, spec.summary, spec.examples[0] ?? '']),
    },
    { kind: 'text', text: `Type \`${HELP_SLASH} <command>\` for options and more examples.` },
  ];
  const title = specs.length === 0 ? 'help: no commands are available to you here' : `help: ${specs.length} commands`;
  return { command: 'help', ok: true, title, blocks, commands: specs.map((spec) => spec.name) };
}

function buildCommandHelp(spec: CommandSpec): Report & HelpFields {
  const blocks: ReportBlock[] = [
    { kind: 'code', text: spec.usage },
    { kind: 'text', text: spec.summary },
  ];
  if (spec.details && spec.details.length > 0) blocks.push({ kind: 'text', text: spec.details.join('\n') });
  blocks.push({ kind: 'heading', text: spec.examples.length === 1 ? 'Example' : 'Examples' });
  blocks.push({ kind: 'code', text: spec.examples.join('\n') });
  return { command: 'help', ok: true, title: `help ${slashTextOf(spec.words)}`, blocks, commands: [spec.name] };
}

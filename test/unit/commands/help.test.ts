import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/commands/grammar/parse.js';
import { buildHelpReport, formatUsage } from '../../../src/commands/help.js';
import { commandRegistry } from '../../../src/commands/registry.js';
import { ErrorCode, ForbiddenError } from '../../../src/errors.js';
import type { ReportBlock } from '../../../src/report/model.js';
import { catchUsageError } from './expect-usage-error.js';

const specs = commandRegistry.all();

function tableOf(blocks: ReportBlock[]): Extract<ReportBlock, { kind: 'table' }> {
  const table = blocks.find((block) => block.kind === 'table');
  if (table?.kind !== 'table') throw new Error('no table block');
  return table;
}

function textOf(blocks: ReportBlock[]): string {
  return blocks.map((block) => ('text' in block ? block.text : '')).join('\n');
}

describe('buildHelpReport', () => {
  it('lists every spec with usage, summary and its first example', () => {
    const report = buildHelpReport(commandRegistry);
    expect(report).toMatchObject({ command: 'help', ok: true, title: `help: ${specs.length} commands` });
    expect(report.commands).toEqual(specs.map((spec) => spec.name));
    const table = tableOf(report.blocks);
    expect(table.rows).toEqual(specs.map((spec) => [spec.usage, spec.summary, spec.examples[0]]));
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it.each(specs.map((spec) => [spec.name, spec]))('every example of %s parses as that command', (_name, spec) => {
    expect(spec.examples.length).toBeGreaterThan(0);
    for (const example of spec.examples) expect(parseCommand(example).name).toBe(spec.name);
  });

  it('leaves out commands the asker may not run', () => {
    const report = buildHelpReport(commandRegistry, { allowed: (spec) => !spec.writes });
    expect(report.commands).not.toContain('deploy');
    expect(report.commands).not.toContain('deploy-stop');
    expect(report.commands).toContain('status');
    expect(tableOf(report.blocks).rows.some((row) => row[0]?.startsWith('/deploy'))).toBe(false);
  });

  it('says so when nothing is allowed', () => {
    const report = buildHelpReport(commandRegistry, { allowed: () => false });
    expect(report.title).toBe('help: no commands are available to you here');
    expect(tableOf(report.blocks).rows).toEqual([]);
  });

  it.each([
    ['deploy', 'deploy'],
    ['/deploy', 'deploy'],
    ['DEPLOY', 'deploy'],
    ['deploy stop', 'deploy-stop'],
    ['cni-bench history', 'cni-bench-history'],
    ['/cni-bench compare', 'cni-bench-compare'],
    ['cni-bench-history', 'cni-bench-history'],
  ])('explains one command: %s', (topic, name) => {
    const spec = commandRegistry.get(name);
    if (!spec) throw new Error(`no spec ${name}`);
    const report = buildHelpReport(commandRegistry, { command: topic });
    expect(report.commands).toEqual([name]);
    expect(report.title).toBe(`help /${spec.words.join(' ')}`);
    const text = textOf(report.blocks);
    expect(text).toContain(spec.usage);
    expect(text).toContain(spec.summary);
    for (const line of spec.details ?? []) expect(text).toContain(line);
    for (const example of spec.examples) expect(text).toContain(example);
  });

  it('the cni-bench help documents the ratings', () => {
    const text = textOf(buildHelpReport(commandRegistry, { command: 'cni-bench' }).blocks);
    expect(text).toContain('overlay/bare ≥ 0.90: very good');
    expect(text).toContain('overlay/bare < 0.50: poor');
  });

  it.each(['foo', 'deploy nope', 'cni-bench history weave'])('an unknown command %j is a usage error', (topic) => {
    expect(catchUsageError(() => buildHelpReport(commandRegistry, { command: topic })).message).toContain('no command');
  });

  it('refuses to explain a command the asker may not run', () => {
    expect(() => buildHelpReport(commandRegistry, { command: 'deploy', allowed: () => false })).toThrow(ForbiddenError);
    try {
      buildHelpReport(commandRegistry, { command: 'deploy', allowed: () => false });
    } catch (err) {
      expect((err as ForbiddenError).code).toBe(ErrorCode.Forbidden);
    }
  });

  it('formatUsage shows usage in code and the summary', () => {
    const spec = commandRegistry.get('status');
    if (!spec) throw new Error('no status spec');
    expect(formatUsage(spec)).toBe(`\`/netops-status\` — ${spec.summary}`);
  });
});

import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ParamSpec, TemplateSpec } from '../../src/clients/ssh/argv.js';
import { buildCommand, listTemplates } from '../../src/clients/ssh/index.js';
import { UsageError } from '../../src/errors.js';

/** What a real POSIX shell makes of the lines: NUL-separated argv per line, lines separated by a marker. */
function parseLinesWithSh(lines: string[]): string[][] {
  const script = lines.map((l) => `printf '%s\\0' ${l}; printf '\\1\\0'`).join('\n');
  const out = execFileSync('/bin/sh', ['-c', script]).toString();
  const groups: string[][] = [[]];
  for (const part of out.split('\0').slice(0, -1)) {
    if (part === '\u0001') groups.push([]);
    else groups.at(-1)!.push(part);
  }
  return groups.slice(0, -1);
}

const hostile = fc.oneof(
  fc.string({ maxLength: 24 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom(
    "a'b",
    'a b',
    '$(id)',
    '`id`',
    'x;id',
    'a\\',
    '-rf',
    '--privileged',
    '*',
    'x\ny',
    '|| true',
    '&& reboot',
    '> /etc/passwd',
    '$HOME',
    '10.32.1.2',
    'c-1.web_2',
    'weave',
    '1',
    '80',
  ),
);

/** A value for one declared param: often valid for its check (so the line is built), often hostile. */
function valueFor(spec: ParamSpec): fc.Arbitrary<unknown> {
  if (spec.kind === 'flag') return fc.boolean();
  const valid =
    spec.check instanceof RegExp ? fc.stringMatching(new RegExp(`^(?:${spec.check.source})$`)) : fc.constant('1');
  const one = fc.oneof(valid, valid, hostile);
  if (spec.kind === 'list') return fc.array(one, { maxLength: spec.maxItems + 1 });
  return spec.optional ? fc.option(one, { nil: undefined }) : one;
}

function paramsFor(t: TemplateSpec): fc.Arbitrary<Record<string, unknown>> {
  return fc.record(Object.fromEntries(Object.entries(t.params).map(([k, p]) => [k, valueFor(p)])));
}

describe('every allowlisted SSH template with hostile parameters', () => {
  const templates = listTemplates();

  it('has templates to check', () => {
    expect(templates.length).toBeGreaterThan(10);
  });

  it('either refuses a parameter (UsageError) or builds a line the shell splits into exactly the argv', () => {
    const built: Array<{ template: TemplateSpec; line: string; argv: string[]; params: Record<string, unknown> }> = [];
    let refused = 0;
    for (const template of templates) {
      fc.assert(
        fc.property(paramsFor(template), (params) => {
          try {
            const cmd = buildCommand(template.name, params as Parameters<typeof buildCommand>[1]);
            built.push({ template, line: cmd.line, argv: cmd.argv, params });
          } catch (err) {
            expect(err).toBeInstanceOf(UsageError);
            refused += 1;
          }
        }),
        { numRuns: 25 },
      );
    }
    const parsed = parseLinesWithSh(built.map((b) => b.line));
    expect(parsed).toHaveLength(built.length);
    for (const [i, b] of built.entries()) {
      expect(parsed[i]).toEqual(b.argv);
      // The program itself is always the template's literal, never a parameter.
      const first = b.template.argv[0];
      expect(typeof first === 'string' && !first.includes('{') ? first : b.argv[0]).toBe(b.argv[0]);
    }
    // Both outcomes must really occur, or the property proves nothing.
    expect(built.length).toBeGreaterThan(templates.length);
    expect(refused).toBeGreaterThan(templates.length);
  });
});

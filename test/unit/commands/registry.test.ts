import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { commandRegistry, createRegistry } from '../../../src/commands/registry.js';
import { slashTextOf } from '../../../src/commands/slash-names.js';
import { allSpecs, specsByName } from '../../../src/commands/specs/index.js';
import type { CommandSpec } from '../../../src/commands/types.js';
import { ErrorCode, NetopsError } from '../../../src/errors.js';

function makeSpec(name: string, words: string[], extra: Partial<CommandSpec> = {}): CommandSpec {
  return {
    name,
    words,
    summary: `${name} summary`,
    usage: `/${words.join(' ')}`,
    examples: [`/${words.join(' ')}`],
    execution: 'local',
    writes: false,
    args: z.object({}),
    positional: [],
    options: [],
    ...extra,
  };
}

function catchBuildError(specs: CommandSpec[]): NetopsError {
  try {
    createRegistry(specs);
  } catch (err) {
    expect(err).toBeInstanceOf(NetopsError);
    expect((err as NetopsError).code).toBe(ErrorCode.Internal);
    return err as NetopsError;
  }
  throw new Error('expected createRegistry to throw');
}

describe('createRegistry', () => {
  it.each<[string, CommandSpec[], string]>([
    ['duplicate name', [makeSpec('a', ['a']), makeSpec('a', ['b'])], 'two commands are named a'],
    [
      'duplicate words',
      [makeSpec('a', ['x', 'y']), makeSpec('b', ['x', 'y'])],
      'commands a and b both use the words "x y"',
    ],
    ['no words', [makeSpec('a', [])], 'needs lower-case words'],
    ['upper-case word', [makeSpec('a', ['Deploy'])], 'needs lower-case words'],
    ['word with a space', [makeSpec('a', ['a b'])], 'needs lower-case words'],
    ['no example', [makeSpec('a', ['a'], { examples: [] })], 'has no example'],
    [
      'positional and option share a name',
      [makeSpec('a', ['a'], { positional: ['x'], options: ['x'] })],
      'repeats an argument',
    ],
  ])('throws on %s', (_name, specs, message) => {
    expect(catchBuildError(specs).message).toContain(message);
  });

  it('finds the longest matching words first, case-insensitively, and returns the rest as typed', () => {
    const parent = makeSpec('bench', ['bench']);
    const child = makeSpec('bench-history', ['bench', 'history']);
    const registry = createRegistry([parent, child]);
    expect(registry.find(['BENCH', 'History', 'Weave'])).toEqual({ spec: child, rest: ['Weave'] });
    expect(registry.find(['bench', 'weave'])).toEqual({ spec: parent, rest: ['weave'] });
    expect(registry.find(['bench'])).toEqual({ spec: parent, rest: [] });
    expect(registry.find(['history'])).toBeUndefined();
    expect(registry.find([])).toBeUndefined();
    expect(registry.get('bench-history')).toBe(child);
    expect(registry.get('nope')).toBeUndefined();
  });

  it('all() returns a copy in registration order', () => {
    const registry = createRegistry([makeSpec('b', ['b']), makeSpec('a', ['a'])]);
    const list = registry.all();
    list.pop();
    expect(registry.all().map((spec) => spec.name)).toEqual(['b', 'a']);
  });
});

describe('commandRegistry', () => {
  it('holds every spec', () => {
    expect(commandRegistry.all().map((spec) => spec.name)).toEqual([
      'deploy',
      'deploy-stop',
      'isolation-check',
      'cni-bench',
      'cni-bench-history',
      'cni-bench-compare',
      'status',
      'jobs',
      'cancel',
      'lock',
      'unlock',
      'audit',
      'help',
    ]);
    expect(commandRegistry.all()).toEqual([...allSpecs]);
  });

  it.each(allSpecs.map((spec) => [spec.name, spec]))(
    '%s: usage starts with its words and names every argument',
    (_n, spec) => {
      expect(spec.usage.startsWith(slashTextOf(spec.words))).toBe(true);
      for (const example of spec.examples) expect(example.startsWith(slashTextOf(spec.words))).toBe(true);
      for (const option of spec.options) expect(spec.usage).toContain(`${option}=`);
      expect(spec.writes).toBe(spec.execution === 'write');
    },
  );
});

describe('specsByName', () => {
  it('keys every spec by its own name', () => {
    for (const [name, spec] of Object.entries(specsByName)) expect(spec.name).toBe(name);
    expect(Object.values(specsByName)).toEqual([...allSpecs]);
  });
});

describe('slash names', () => {
  it('a catalogue whose usage shows a name Slack refuses fails at start-up', () => {
    const spec = { ...specsByName.status, usage: '/status', examples: ['/status'] } as CommandSpec;
    expect(() => createRegistry([spec])).toThrow(/shows "\/status", which does not start with \/netops-status/);
  });
});

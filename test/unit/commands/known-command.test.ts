import { describe, expect, expectTypeOf, it } from 'vitest';
import { parseCommand } from '../../../src/commands/grammar/parse.js';
import { isCommand, type KnownCommand } from '../../../src/commands/known-command.js';
import type { CniBenchArgs, DeployArgs } from '../../../src/commands/specs/index.js';

describe('isCommand', () => {
  it('narrows by name to the typed args', () => {
    const parsed = parseCommand('/deploy web subnet=t count=2');
    expect(isCommand(parsed, 'deploy')).toBe(true);
    expect(isCommand(parsed, 'deploy-stop')).toBe(false);
    if (!isCommand(parsed, 'deploy')) throw new Error('not narrowed');
    expectTypeOf(parsed.args).toExtend<DeployArgs>();
    expectTypeOf(parsed.args.count).toEqualTypeOf<number | undefined>();
    expect(parsed.args.count).toBe(2);
  });

  it('KnownCommand discriminates on name', () => {
    const parsed = parseCommand('/cni-bench weave') as KnownCommand;
    if (parsed.name !== 'cni-bench') throw new Error('wrong command');
    expectTypeOf(parsed.args).toEqualTypeOf<CniBenchArgs>();
    expect(parsed.args.durationMs).toBe(10_000);
  });
});

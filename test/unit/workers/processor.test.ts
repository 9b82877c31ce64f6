import { describe, expect, expectTypeOf, it } from 'vitest';
import type { DeployArgs, StatusArgs } from '../../../src/commands/index.js';
import type { Report } from '../../../src/report/model.js';
import {
  type ApprovalApplyArgs,
  findProcessor,
  type Processor,
  type ProcessorRegistry,
} from '../../../src/workers/processor.js';

const report = (command: string): Report => ({ command, ok: true, title: command, blocks: [] });

describe('ProcessorRegistry', () => {
  it('types each processor by its spec args', () => {
    expectTypeOf<NonNullable<ProcessorRegistry['deploy']>>().toEqualTypeOf<Processor<DeployArgs>>();
    expectTypeOf<NonNullable<ProcessorRegistry['status']>>().toEqualTypeOf<Processor<StatusArgs>>();
    expectTypeOf<NonNullable<ProcessorRegistry['approval-apply']>>().toEqualTypeOf<Processor<ApprovalApplyArgs>>();
    const wrongArgs: Processor<{ approvalId: string }> = async () => report('deploy');
    // @ts-expect-error a processor for other args cannot be registered under deploy (tsc checks test/ too)
    const registry: ProcessorRegistry = { deploy: wrongArgs };
    // @ts-expect-error a name that is no command spec is refused
    const unknown: ProcessorRegistry = { 'no-such-command': async () => report('x') };
    expect([registry, unknown]).toHaveLength(2);
  });
});

describe('findProcessor', () => {
  const status: Processor<StatusArgs> = async () => report('status');
  const registry: ProcessorRegistry = { status };

  it('finds the processor registered for a job command name', () => {
    expect(findProcessor(registry, 'status')).toBe(status);
  });

  it('finds nothing for unknown names, unregistered commands or inherited object keys', () => {
    expect(findProcessor(registry, 'deploy')).toBeUndefined();
    expect(findProcessor(registry, 'nope')).toBeUndefined();
    expect(findProcessor(registry, 'toString')).toBeUndefined();
    expect(findProcessor(registry, '__proto__')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import type { StatusArgs } from '../../../src/commands/index.js';
import { deploySpec, specsByName, statusSpec } from '../../../src/commands/index.js';
import type { Report } from '../../../src/report/model.js';
import { APPROVAL_APPLY_COMMAND } from '../../../src/stores/approval-store.js';
import { buildProcessorRegistry, defineProcessor } from '../../../src/workers/define-processor.js';
import { findProcessor, type Processor } from '../../../src/workers/processor.js';
import type { ProcessorKit } from '../../../src/workers/processor-kit.js';
import { processorDefinitions } from '../../../src/workers/processors/index.js';

const report = (command: string): Report => ({ command, ok: true, title: command, blocks: [] });
// The definitions below read nothing from the kit.
const kit = {} as ProcessorKit;

describe('defineProcessor', () => {
  it('ties a processor to its spec: registered under the spec name, built from the kit', () => {
    const status: Processor<StatusArgs> = async () => report('status');
    const registry = buildProcessorRegistry([defineProcessor(statusSpec, () => status)], kit);
    expect(findProcessor(registry, 'status')).toBe(status);
    expect(findProcessor(registry, 'deploy')).toBeUndefined();
  });

  it('refuses a processor for other args than the spec produces (tsc checks test/ too)', () => {
    const status: Processor<StatusArgs> = async () => report('status');
    // @ts-expect-error /status's processor cannot be defined for the deploy spec
    const wrong = defineProcessor(deploySpec, () => status);
    expect(wrong.name).toBe('deploy');
  });

  it('leaves out a processor the kit cannot build, and refuses two for one command', () => {
    const status: Processor<StatusArgs> = async () => report('status');
    expect(buildProcessorRegistry([defineProcessor(statusSpec, () => undefined)], kit)).toEqual({});
    const twice = [defineProcessor(statusSpec, () => undefined), defineProcessor(statusSpec, () => status)];
    expect(() => buildProcessorRegistry(twice, kit)).toThrow(/two processors for command status/);
  });

  it('every processor of the bot names a command spec or the approved apply', () => {
    const jobNames = new Set<string>([...Object.keys(specsByName), APPROVAL_APPLY_COMMAND]);
    const names = processorDefinitions.map((d) => d.name);
    expect(names.filter((n) => !jobNames.has(n))).toEqual([]);
    expect(new Set(names).size).toBe(names.length);
  });
});

import type { z } from 'zod';
import type { Processor, ProcessorRegistry } from './processor.js';
import type { ProcessorKit } from './processor-kit.js';

/** A processor tied to the spec it runs: built from the kit, typed by that spec's args, keyed by its name. */
export interface ProcessorDefinition<Args = never> {
  /** The spec's name: the job command name the processor is found by. */
  name: string;
  /** The processor, or undefined when this process cannot run the command (e.g. no write guards). */
  build(kit: ProcessorKit): Processor<Args> | undefined;
}

/**
 * Ties a processor to its command spec (or, for the approved apply, to its job's args schema): the processor
 * must take exactly the args the spec's schema produces, so `defineProcessor(deploySpec, () => statusProcessor)`
 * does not compile.
 */
export function defineProcessor<Args>(
  spec: { name: string; args: z.ZodType<Args> },
  build: (kit: ProcessorKit) => Processor<NoInfer<Args>> | undefined,
): ProcessorDefinition<Args> {
  return { name: spec.name, build };
}

/**
 * The registry of this process: each definition built from the kit, under its spec's name.
 * @throws Error when two definitions name the same command (a mistake caught at start-up, as the command registry
 * does for clashing words).
 */
export function buildProcessorRegistry(
  definitions: readonly ProcessorDefinition[],
  kit: ProcessorKit,
): ProcessorRegistry {
  const registry: Record<string, Processor<never>> = {};
  const seen = new Set<string>();
  for (const def of definitions) {
    if (seen.has(def.name)) throw new Error(`two processors for command ${def.name}`);
    seen.add(def.name);
    const processor = def.build(kit);
    if (processor) registry[def.name] = processor;
  }
  // Sound: each processor was typed by its spec's args in defineProcessor and is stored under that spec's name.
  return registry as ProcessorRegistry;
}

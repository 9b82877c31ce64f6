import type { Config } from '../config/index.js';
import type { Logger } from '../logging.js';
import type { ProcessorRegistry } from '../workers/processor.js';

export interface ProcessorSet {
  registry: ProcessorRegistry;
  close(): Promise<void>;
}

/**
 * Builds the command processors with their clients from config. Commands without a processor here answer
 * "not available yet" (see workers/command-handler.ts) instead of pretending to run.
 */
export async function createProcessors(_config: Config, _logger: Logger): Promise<ProcessorSet> {
  const registry: ProcessorRegistry = {};
  return { registry, close: async () => {} };
}

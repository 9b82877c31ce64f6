import type { Config } from '../config/index.js';
import type { Logger } from '../logging.js';
import type { ProcessorRegistry } from '../workers/processor.js';
import { createDeployProcessor } from '../workers/processors/deploy.js';
import { createDeployStopProcessor } from '../workers/processors/deploy-stop.js';
import { createStatusProcessor } from '../workers/processors/status.js';
import { createClusterContext } from './cluster-context.js';

export interface ProcessorSet {
  registry: ProcessorRegistry;
  close(): Promise<void>;
}

/**
 * Builds the command processors with their clients from config. Commands without a processor here answer
 * "not available yet" (see workers/command-handler.ts) instead of pretending to run.
 */
export async function createProcessors(config: Config, logger: Logger): Promise<ProcessorSet> {
  if (config.clusters.length === 0) return { registry: {}, close: async () => {} };
  const cluster = createClusterContext(config, logger);
  const view = { tenants: config.tenants, networks: config.networks };
  const registry: ProcessorRegistry = {
    deploy: createDeployProcessor({ cluster, config: view, jobsDir: config.jobs.dir }),
    'deploy-stop': createDeployStopProcessor({ cluster, config: view }),
    status: createStatusProcessor({ cluster, config: view }),
  };
  return { registry, close: () => cluster.close() };
}

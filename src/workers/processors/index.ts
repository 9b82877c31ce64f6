import type { ProcessorDefinition } from '../define-processor.js';
import { approvalApplyProcessor } from './approval-apply.js';
import { cniBenchProcessor } from './cni-bench.js';
import { cniBenchCompareProcessor } from './cni-bench-compare.js';
import { cniBenchHistoryProcessor } from './cni-bench-history.js';
import { deployProcessor } from './deploy.js';
import { deployStopProcessor } from './deploy-stop.js';
import { isolationCheckProcessor } from './isolation-check.js';
import { statusProcessor } from './status.js';

/**
 * Every command a worker runs, each defined beside its processor with `defineProcessor(spec, build)`. A command
 * without one here answers "not available yet" (workers/command-handler.ts) instead of pretending to run.
 */
export const processorDefinitions: readonly ProcessorDefinition[] = [
  deployProcessor,
  deployStopProcessor,
  approvalApplyProcessor,
  statusProcessor,
  cniBenchProcessor,
  cniBenchHistoryProcessor,
  cniBenchCompareProcessor,
  isolationCheckProcessor,
];

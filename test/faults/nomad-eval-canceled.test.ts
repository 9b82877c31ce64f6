import { describe, expect, it } from 'vitest';
import type { DeployArgs } from '../../src/commands/index.js';
import { loadConfig } from '../../src/config/index.js';
import { createSilentLogger } from '../../src/logging.js';
import { createClusterContext } from '../../src/main/cluster-context.js';
import type { ProcessorContext } from '../../src/workers/processor.js';
import { createDeployProcessor } from '../../src/workers/processors/deploy.js';
import { gateLabSuite } from '../lab/lab-gate.js';
import { useLabForTests } from '../lab/lab-hooks.js';
import { checkLabSupport } from '../lab/lab-support.js';
import { CONFIG_PATH } from '../lab/topology.js';

const support = await checkLabSupport();
const skipLab = gateLabSuite(support, 'evaluation canceled mid-deploy');

/**
 * Nomad 1.4.3+ cancels a pending evaluation when a more recent one of the same job is processed. The lab's
 * scheduler is made slow (1.5 s per evaluation) so that around the bot's register another client's forced
 * evaluation is in flight and a second one queues behind the bot's: the leader then cancels the bot's
 * evaluation, and /deploy must follow the one that superseded it instead of failing.
 */
describe.skipIf(skipLab)('an evaluation canceled mid-deploy (lab, Nomad 2.0.6, slow scheduler)', () => {
  useLabForTests({ nomadEvalDelayMs: 1_500 });

  it('follows the superseding evaluation to a successful deploy', async () => {
    const config = loadConfig(process.env, { path: CONFIG_PATH });
    const cluster = createClusterContext(config, createSilentLogger());
    const nomadAddress = cluster.nomad.address;
    const evaluate = (jobId: string) =>
      fetch(`${nomadAddress}/v1/job/${jobId}/evaluate`, { method: 'POST', body: '{}' });
    const view = { tenants: config.tenants, networks: config.networks };
    const deploy = createDeployProcessor({ cluster, config: view, jobsDir: config.jobs.dir });
    const ctx = (args: DeployArgs, text: string): ProcessorContext<DeployArgs> => ({
      jobId: `t-${Date.now()}`,
      command: { name: 'deploy', args, text },
      requester: { userId: 'U1' },
      signal: new AbortController().signal,
      logger: createSilentLogger(),
      progress: async () => {},
      setQueuePosition: async () => {},
    });
    try {
      // The job exists first, so that forced evaluations of it can be made around the bot's register.
      const first = (await deploy(ctx({ job: 'httpbackend', tenant: 'tenant-b', count: 1 }, 'first'))) as {
        ok: boolean;
      };
      expect(first.ok).toBe(true);
      const racing = createDeployProcessor({
        cluster: {
          ...cluster,
          nomad: {
            ...cluster.nomad,
            registerJob: async (...args: Parameters<typeof cluster.nomad.registerJob>) => {
              expect((await evaluate(args[0].ID)).status).toBe(200); // in flight for 1.5 s
              const ours = await cluster.nomad.registerJob(...args); // pending behind it
              expect((await evaluate(args[0].ID)).status).toBe(200); // newer: supersedes ours
              return ours;
            },
          },
        },
        config: view,
        jobsDir: config.jobs.dir,
      });
      const report = (await racing(ctx({ job: 'httpbackend', tenant: 'tenant-b', count: 2 }, 'second'))) as unknown as {
        ok: boolean;
        change: string;
        supersededEvals: string[];
        evalId: string;
        allocations: unknown[];
      };
      expect(report.ok, JSON.stringify(report)).toBe(true);
      expect(report.supersededEvals).toHaveLength(1);
      expect(report.evalId).not.toBe(report.supersededEvals[0]);
      expect(report.allocations).toHaveLength(2);
      const canceled = await cluster.nomad.readEvaluation(report.supersededEvals[0] as string);
      expect(canceled.value).toMatchObject({
        Status: 'canceled',
        StatusDescription: 'canceled after more recent eval was processed',
      });
    } finally {
      await cluster.close();
    }
  }, 240_000);
});

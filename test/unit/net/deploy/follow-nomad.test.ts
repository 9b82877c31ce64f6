import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { NomadClient } from '../../../../src/clients/nomad/index.js';
import { isUnchangedPlan } from '../../../../src/net/deploy/describe-nomad.js';
import { findDeployment } from '../../../../src/net/deploy/follow-deployment.js';
import { followEvaluationChain } from '../../../../src/net/deploy/follow-evaluation.js';

const fixture = (version: string, name: string) =>
  JSON.parse(readFileSync(new URL(`../../../fixtures/nomad/${version}/${name}`, import.meta.url), 'utf8'));
const signal = new AbortController().signal;

describe('following Nomad with recorded answers', () => {
  it.each(['0.9.7', '1.11.1', '2.0.6'])(
    'finds the deployment of the job spec through the evaluation on %s, whatever the register answered',
    async (version) => {
      const deployment = fixture(version, 'deployment.json');
      const evaluation = fixture(version, 'evaluation.json');
      let latestCalls = 0;
      const nomad = {
        readDeployment: async () => ({ value: deployment, index: 1212 }),
        readJobLatestDeployment: async () => {
          latestCalls += 1;
          return { value: deployment, index: 1212 };
        },
      } as unknown as NomadClient;
      // The job as GET /v1/job/:id has it after an unchanged register on 2.0.6: register answered its
      // ModifyIndex (1212), the spec index is still 1201.
      const job = { JobModifyIndex: 1201, Version: 1, ModifyIndex: 1212 };
      const found = await findDeployment(nomad, 'httpbackend-tenant-b', job, evaluation, { signal, timeoutMs: 1_000 });
      expect(found.ID).toBe(deployment.ID);
      expect(latestCalls).toBe(0);
    },
  );

  it('follows a canceled evaluation to the newer one that superseded it', async () => {
    const base = fixture('2.0.6', 'evaluation.json');
    const canceled = {
      ...base,
      ID: 'aaaaaaaa-0000-4000-8000-000000000001',
      Status: 'canceled',
      StatusDescription: 'canceled after more recent eval was processed',
      CreateIndex: 1300,
    };
    const older = { ...base, ID: 'aaaaaaaa-0000-4000-8000-000000000000', CreateIndex: 1290 };
    const newer = { ...base, ID: 'aaaaaaaa-0000-4000-8000-000000000002', CreateIndex: 1305, Status: 'complete' };
    const byId = new Map([canceled, older, newer].map((e) => [e.ID, e]));
    const nomad = {
      readEvaluation: async (id: string) => ({ value: byId.get(id), index: 1310 }),
      listJobEvaluations: async () => [newer, canceled, older],
    } as unknown as NomadClient;
    const chain = await followEvaluationChain(nomad, canceled.ID, 'httpbackend-tenant-b', { signal });
    expect(chain.evaluation.ID).toBe(newer.ID);
    expect(chain.superseded).toEqual([canceled.ID]);
  });

  it('returns a canceled evaluation as it is when nothing newer exists', async () => {
    const canceled = { ...fixture('1.11.1', 'evaluation.json'), Status: 'canceled', CreateIndex: 1300 };
    const nomad = {
      readEvaluation: async () => ({ value: canceled, index: 1310 }),
      listJobEvaluations: async () => [canceled],
    } as unknown as NomadClient;
    const chain = await followEvaluationChain(nomad, canceled.ID, 'x', { signal });
    expect(chain).toEqual({ evaluation: canceled, superseded: [] });
  });

  it.each(['0.9.7', '1.11.1', '2.0.6'])(
    'reads the recorded plan of an unchanged job (%s) as "no change"',
    (version) => {
      const plan = fixture(version, 'plan-unchanged.json');
      expect(isUnchangedPlan(plan)).toBe(true);
      const edited = structuredClone(plan);
      edited.Diff.Type = 'Edited';
      edited.Annotations.DesiredTGUpdates.httpbackend = {
        ...plan.Annotations.DesiredTGUpdates.httpbackend,
        Ignore: 0,
        DestructiveUpdate: 2,
      };
      expect(isUnchangedPlan(edited)).toBe(false);
    },
  );
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { NomadClient } from '../../../../src/clients/nomad/index.js';
import type { ClusterContext } from '../../../../src/net/cluster.js';
import { applyDeploy } from '../../../../src/net/deploy/apply-deploy.js';
import { startDeployResult } from '../../../../src/net/deploy/deploy-result.js';

const fixture = (version: string, name: string) =>
  JSON.parse(readFileSync(new URL(`../../../fixtures/nomad/${version}/${name}`, import.meta.url), 'utf8'));

/** A template without a numeric-port service: the Consul stage has nothing to do, Nomad's side is under test. */
const template = { ID: 'httpbackend', TaskGroups: [{ Name: 'httpbackend', Tasks: [{ Name: 'httpbackend' }] }] };

/** A Nomad that answers with a release's recorded responses; `edit` changes them per test. */
// biome-ignore lint/suspicious/noExplicitAny: recorded API JSON, edited per test
type Recorded = Record<string, any>;

function recordedNomad(version: string, edit: (r: Recorded) => void = () => {}) {
  const r: Recorded = {
    register: fixture(version, 'register.json'),
    evaluation: fixture(version, 'evaluation.json'),
    deployment: fixture(version, 'deployment.json'),
    allocations: fixture(version, 'job-allocations.json'),
    job: { ID: 'httpbackend-tenant-b', Version: 1, JobModifyIndex: 1201, ModifyIndex: 1212 },
  };
  edit(r);
  const calls: string[] = [];
  const nomad = {
    address: 'http://nomad.test:4646',
    registerJob: async () => {
      calls.push('register');
      return r.register;
    },
    readEvaluation: async (id: string) => ({ value: r.evals?.[id] ?? r.evaluation, index: 1300 }),
    listJobEvaluations: async () => r.evalList ?? [],
    readJob: async () => r.job,
    readDeployment: async () => ({ value: r.deployment, index: 1300 }),
    readJobLatestDeployment: async () => {
      calls.push('latest');
      return { value: r.deployment, index: 1300 };
    },
    listDeploymentAllocations: async () => r.allocations,
    readAllocation: async () => ({ ...r.allocations[0], ClientStatus: 'failed' }),
  } as unknown as NomadClient;
  return { nomad, calls };
}

function deps(nomad: NomadClient) {
  const cluster = { nomad, hosts: [] } as unknown as ClusterContext;
  return { cluster, signal: new AbortController().signal, progress: async () => {} };
}

const RECORDED_EVAL = 'd092fdc0-e1fd-2536-67d8-43af8ca798ac';
const start = () => startDeployResult('httpbackend', 'httpbackend-tenant-b', 'tenant-b', '10.32.1.0/24');
const input = { job: { ID: 'httpbackend-tenant-b' }, template, jobModifyIndex: 1201 };

describe('applyDeploy against recorded Nomad answers', () => {
  it('an unchanged register on 2.0.6 (reply = the job ModifyIndex) ends as "no change" through the evaluation', async () => {
    const { nomad, calls } = recordedNomad('2.0.6', (r) => {
      r.register = { ...r.register, JobModifyIndex: 1212, EvalCreateIndex: 1250 };
    });
    const result = await applyDeploy(deps(nomad), input, start());
    expect(result).toMatchObject({ ok: true, change: 'none', deployment: { status: 'successful' } });
    expect(calls).not.toContain('latest');
  });

  it.each(['0.9.7', '1.11.1', '2.0.6'])('a register that made a new deployment (%s) is "applied"', async (version) => {
    const { nomad } = recordedNomad(version, (r) => {
      r.register = { ...r.register, EvalCreateIndex: 1201 };
    });
    const result = await applyDeploy(deps(nomad), input, start());
    expect(result).toMatchObject({ ok: true, change: 'applied', evalId: RECORDED_EVAL });
    expect(result.allocations).toEqual([expect.objectContaining({ status: 'running', healthy: true })]);
  });

  it('marks register, then Nomad, in the order they ran', async () => {
    const { nomad } = recordedNomad('2.0.6', (r) => {
      r.register = { ...r.register, EvalCreateIndex: 1201 };
    });
    const marked: string[] = [];
    await applyDeploy({ ...deps(nomad), phase: (p) => marked.push(p) }, input, start());
    // No numeric-port service in the template: the Consul phases never start.
    expect(marked).toEqual(['register', 'nomad']);
  });

  it('a canceled evaluation is followed to the one that superseded it', async () => {
    const { nomad } = recordedNomad('2.0.6', (r) => {
      const ours = {
        ...r.evaluation,
        Status: 'canceled',
        CreateIndex: 1201,
        StatusDescription: 'canceled after more recent eval was processed',
      };
      const newer = { ...r.evaluation, ID: 'bbbbbbbb-0000-4000-8000-000000000002', CreateIndex: 1205 };
      r.evals = { [ours.ID]: ours, [newer.ID]: newer };
      r.evalList = [newer, ours];
    });
    const result = await applyDeploy(deps(nomad), input, start());
    expect(result.ok).toBe(true);
    expect(result.supersededEvals).toEqual(['d092fdc0-e1fd-2536-67d8-43af8ca798ac']);
    expect(result.evalId).toBe('bbbbbbbb-0000-4000-8000-000000000002');
  });

  it('an allocation whose client is `unknown` (disconnected, 1.3+) counts as not running and is said so', async () => {
    const { nomad } = recordedNomad('2.0.6', (r) => {
      r.register = { ...r.register, EvalCreateIndex: 1201 };
      const [alloc] = r.allocations;
      r.allocations = [
        alloc,
        { ...alloc, ID: 'cccccccc-0000-4000-8000-000000000003', ClientStatus: 'unknown', NodeName: 'u3.lab.internal' },
      ];
    });
    const result = await applyDeploy(deps(nomad), input, start());
    expect(result.ok).toBe(true);
    expect(result.allocations.map((a) => a.status)).toEqual(['running', 'unknown']);
    expect(result.warnings).toContain('Allocation cccccccc on u3.lab.internal is unknown: not registered in Consul.');
  });

  it('a failed deployment is a failure at stage deployment with the allocation events', async () => {
    const { nomad } = recordedNomad('1.11.1', (r) => {
      r.deployment = { ...r.deployment, Status: 'failed', StatusDescription: 'Failed due to unhealthy allocations' };
      r.allocations = [{ ...r.allocations[0], ClientStatus: 'failed', DeploymentStatus: { Healthy: false } }];
    });
    const result = await applyDeploy(deps(nomad), input, start());
    expect(result.failure).toMatchObject({
      stage: 'deployment',
      message: 'deployment failed: Failed due to unhealthy allocations',
    });
    expect(result.failure?.details.join('\n')).toMatch(/httpbackend: Started: Task started by client/);
  });

  it('an evaluation with placement failures stops before any deployment', async () => {
    const { nomad } = recordedNomad('0.9.7', (r) => {
      r.evaluation = {
        ...r.evaluation,
        FailedTGAllocs: { httpbackend: { NodesEvaluated: 3, NodesExhausted: 3, DimensionExhausted: { memory: 3 } } },
      };
    });
    const result = await applyDeploy(deps(nomad), input, start());
    expect(result.failure?.stage).toBe('evaluation');
    expect(result.failure?.details.join('\n')).toMatch(/group httpbackend: 3 of 3 nodes exhausted/);
    expect(result.deployment).toBeNull();
  });
});

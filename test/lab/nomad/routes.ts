import { toAllocation, toAllocStub, toNodeStub } from './api-views.js';
import { canonicalizeJob } from './canonicalize-job.js';
import { parseBlockingQuery } from './http/blocking-query.js';
import { HttpError } from './http/http-error.js';
import type { Reply, RequestContext, Route } from './http/router.js';
import type { Job } from './job-types.js';
import type { NomadState } from './nomad-state.js';
import { parseJobHcl } from './parse-job-hcl.js';
import { planJob } from './plan-job.js';
import type { Scheduler } from './scheduler.js';
import { validateJob } from './validate-job.js';

const read = ['GET'];
const write = ['PUT', 'POST'];

/** Every endpoint of the emulated Nomad server (reference §2). */
export function createNomadRoutes(state: NomadState, scheduler: Scheduler): Route[] {
  /** Wraps a read: namespace/region checks, then the blocking wait, then the answer. */
  const blocking =
    (answer: (ctx: RequestContext, inNamespace: boolean) => unknown) =>
    async (ctx: RequestContext): Promise<Reply> => {
      checkRegion(ctx);
      const query = parseBlockingQuery(ctx.query);
      if (query) await state.index.waitBeyond(query.index, query.waitMs);
      return { json: answer(ctx, isDefaultNamespace(ctx)) };
    };
  const jobOr404 = (ctx: RequestContext, inNamespace: boolean) => {
    const job = inNamespace ? state.jobs.get(ctx.params.id as string) : undefined;
    if (!job) throw new HttpError(404, 'job not found');
    return job;
  };
  const byId = <T>(map: Map<string, T>, what: string) =>
    blocking((ctx) => {
      const found = map.get(ctx.params.id as string);
      if (!found) throw new HttpError(404, `${what} not found`);
      return found;
    });

  const register = (ctx: RequestContext): Reply => {
    checkRegion(ctx);
    const body = (ctx.body ?? {}) as { Job?: Job; EnforceIndex?: boolean; JobModifyIndex?: number };
    const job = takeJob(ctx, body.Job);
    if (!isDefaultNamespace(ctx) || (job.Namespace ?? 'default') !== 'default') {
      throw new HttpError(500, `Nonexistent namespace "${ctx.query.get('namespace') ?? job.Namespace}"`);
    }
    const result = scheduler.register(job, {
      enforceIndex: body.EnforceIndex === true,
      jobModifyIndex: Number(body.JobModifyIndex ?? 0),
    });
    return { json: result };
  };

  return [
    {
      methods: write,
      pattern: '/v1/jobs/parse',
      handler: async (ctx) => {
        const body = (ctx.body ?? {}) as { JobHCL?: unknown; Canonicalize?: boolean };
        const job = await parseJobHcl(typeof body.JobHCL === 'string' ? body.JobHCL : '');
        return { json: body.Canonicalize ? { ...canonicalizeJob(job), JobModifyIndex: 0, Version: 0 } : job };
      },
    },
    {
      methods: read,
      pattern: '/v1/jobs',
      handler: blocking((ctx, inNamespace) =>
        inNamespace
          ? [...state.jobs.values()]
              .filter((j) => (j.ID ?? '').startsWith(ctx.query.get('prefix') ?? ''))
              .map((j) => ({
                ID: j.ID,
                Name: j.Name,
                Namespace: j.Namespace,
                Type: j.Type,
                Priority: j.Priority,
                Status: j.Status,
                Stop: j.Stop,
                Version: j.Version,
                JobModifyIndex: j.JobModifyIndex,
                CreateIndex: j.CreateIndex,
                ModifyIndex: j.ModifyIndex,
                SubmitTime: j.SubmitTime,
              }))
          : [],
      ),
    },
    { methods: write, pattern: '/v1/jobs', handler: register },
    { methods: write, pattern: '/v1/job/:id/plan', handler: (ctx) => plan(ctx, state, scheduler) },
    {
      methods: read,
      pattern: '/v1/job/:id/allocations',
      handler: blocking((ctx, inNs) => (inNs ? state.allocsOfJob(ctx.params.id as string).map(toAllocStub) : [])),
    },
    {
      methods: read,
      pattern: '/v1/job/:id/evaluations',
      handler: blocking((ctx, inNs) =>
        inNs ? [...state.evals.values()].filter((e) => e.JobID === ctx.params.id) : [],
      ),
    },
    {
      methods: read,
      pattern: '/v1/job/:id/deployment',
      handler: blocking((ctx, inNs) => (inNs ? (state.latestDeployment(ctx.params.id as string) ?? null) : null)),
    },
    {
      methods: read,
      pattern: '/v1/job/:id/deployments',
      handler: blocking((ctx, inNs) =>
        inNs
          ? [...state.deployments.values()]
              .filter((d) => d.JobID === ctx.params.id)
              .sort((a, b) => b.CreateIndex - a.CreateIndex)
          : [],
      ),
    },
    { methods: read, pattern: '/v1/job/:id', handler: blocking((ctx, inNs) => jobOr404(ctx, inNs)) },
    { methods: write, pattern: '/v1/job/:id', handler: register },
    {
      methods: ['DELETE'],
      pattern: '/v1/job/:id',
      handler: (ctx) => {
        checkRegion(ctx);
        jobOr404(ctx, isDefaultNamespace(ctx));
        return { json: scheduler.deregister(ctx.params.id as string, parseBoolParam(ctx, 'purge')) };
      },
    },
    { methods: read, pattern: '/v1/evaluation/:id', handler: byId(state.evals, 'eval') },
    {
      methods: read,
      pattern: '/v1/allocation/:id',
      handler: blocking((ctx) => {
        const alloc = state.allocs.get(ctx.params.id as string);
        if (!alloc) throw new HttpError(404, 'alloc not found');
        return toAllocation(
          alloc,
          state.nodes.find((n) => n.ID === alloc.NodeID),
        );
      }),
    },
    {
      methods: read,
      pattern: '/v1/deployment/allocations/:id',
      handler: blocking((ctx) =>
        [...state.allocs.values()].filter((a) => a.DeploymentID === ctx.params.id).map(toAllocStub),
      ),
    },
    { methods: read, pattern: '/v1/deployment/:id', handler: byId(state.deployments, 'deployment') },
    {
      methods: read,
      pattern: '/v1/nodes',
      handler: blocking((ctx) =>
        state.nodes
          .filter((n) => n.ID.startsWith(ctx.query.get('prefix') ?? ''))
          .map((n) => toNodeStub(n, state.index.value)),
      ),
    },
    {
      methods: read,
      pattern: '/v1/node/:id',
      handler: blocking((ctx) => {
        const node = state.nodes.find((n) => n.ID === ctx.params.id);
        if (!node) throw new HttpError(404, 'node not found');
        return {
          ...toNodeStub(node, state.index.value),
          Attributes: { 'unique.network.ip-address': node.Address, 'unique.hostname': node.Name, 'os.name': 'debian' },
        };
      }),
    },
  ];
}

function plan(ctx: RequestContext, state: NomadState, scheduler: Scheduler): Reply {
  checkRegion(ctx);
  const body = (ctx.body ?? {}) as { Job?: Job; Diff?: boolean };
  const job = takeJob(ctx, body.Job);
  return { json: planJob(state, job, body.Diff === true, scheduler.nodeLoads(job.ID)) };
}

/** Checks the register/plan body like Nomad's job endpoint, canonicalizes and validates the job. */
function takeJob(ctx: RequestContext, input: Job | undefined): Job {
  if (!input || typeof input !== 'object') throw new HttpError(400, 'Job must be specified');
  if (!input.ID) throw new HttpError(400, "Job ID hasn't been provided");
  if (ctx.params.id !== undefined && input.ID !== ctx.params.id) throw new HttpError(400, 'Job ID does not match name');
  const job = canonicalizeJob(input);
  const problems = validateJob(job);
  if (problems) throw new HttpError(500, problems);
  return job;
}

function isDefaultNamespace(ctx: RequestContext): boolean {
  const ns = ctx.query.get('namespace');
  return ns === null || ns === '' || ns === 'default' || ns === '*';
}

function checkRegion(ctx: RequestContext) {
  const region = ctx.query.get('region');
  if (region && region !== 'global') throw new HttpError(500, 'No path to region');
}

function parseBoolParam(ctx: RequestContext, name: string): boolean {
  const value = ctx.query.get(name);
  if (value === null) return false;
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False', ''].includes(value)) return false;
  throw new HttpError(
    500,
    `Failed to parse value of "${name}" (${value}) as a bool: strconv.ParseBool: parsing "${value}": invalid syntax`,
  );
}

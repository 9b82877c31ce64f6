import {
  toAllocation,
  toAllocStub,
  toDeploymentView,
  toEvaluationView,
  toNodeDetail,
  toNodeStub,
} from './api-views.js';
import { canonicalizeJob } from './canonicalize-job.js';
import { nomadMaxWaitMs, parseBlockingQuery } from './http/blocking-query.js';
import { HttpError } from './http/http-error.js';
import type { Reply, RequestContext, Route } from './http/router.js';
import type { Job } from './job-types.js';
import { formatMultiError } from './multierror.js';
import { BOOT_INDEX, type NomadState, type NomadTable } from './nomad-state.js';
import { apiJobAnswer } from './parse-answer.js';
import { parseJobHcl } from './parse-job-hcl.js';
import { planJob } from './plan-job.js';
import type { Scheduler } from './scheduler.js';
import { validateJob } from './validate-job.js';
import type { NomadProfile } from './version-profiles.js';

const read = ['GET'];
const write = ['PUT', 'POST'];

/** What a read answers before the HTTP layer: a body or a 404 text, and the index of the answer. */
type Answer = { json: unknown; index: number } | { notFound: string; index: number };

/** The agent the routes answer as: its region and datacenter, the release it runs. */
export interface AgentView {
  region: string;
  datacenter: string;
  profile: NomadProfile & { reported?: string };
  /** `GET /v1/agent/self`. */
  self(): unknown;
}

/** Every endpoint of the emulated Nomad server (reference §2). */
export function createNomadRoutes(state: NomadState, scheduler: Scheduler, agent: AgentView): Route[] {
  const { profile } = agent;
  /**
   * Wraps a read as `blockingRPC` does (HEAD nomad/rpc.go:853-907, v0.9.7 nomad/rpc.go:674-720): region check,
   * then run the query; with `?index=` above 0, re-run it on every state change until the index it answers
   * (its table's, or the object's ModifyIndex) passes the client's, or the capped, jittered wait runs out.
   * Not-found is decided after the wait, like the HTTP layer's 404 on a nil reply (job_endpoint.go:536-539),
   * and carries the table index; the header is the answer's own index, never a global one.
   */
  const blocking =
    (answer: (ctx: RequestContext, namespace: string) => Answer) =>
    async (ctx: RequestContext): Promise<Reply> => {
      checkReadRegion(ctx, agent.region);
      const query = parseBlockingQuery(ctx.query, Math.random, nomadMaxWaitMs);
      const deadline = Date.now() + (query?.waitMs ?? 0);
      for (;;) {
        const seen = state.index.value;
        const out = answer(ctx, namespaceOf(ctx));
        const left = deadline - Date.now();
        if (!query || out.index > query.index || left <= 0) {
          if ('notFound' in out) throw new HttpError(404, out.notFound, out.index);
          return { json: out.json, index: out.index };
        }
        await state.index.waitBeyond(seen, left);
      }
    };
  const table = (name: NomadTable, json: unknown): Answer => ({ json, index: state.tableIndex(name) });
  /** One object: its ModifyIndex, or the table's index and a 404 text when it does not exist. */
  const one = <T extends { ModifyIndex?: number }>(
    found: T | undefined,
    name: NomadTable,
    what: string,
    view: (found: T) => unknown,
  ): Answer =>
    found
      ? { json: view(found), index: found.ModifyIndex ?? 0 }
      : { notFound: `${what} not found`, index: state.tableIndex(name) };

  const register = (ctx: RequestContext): Reply => {
    const body = (ctx.body ?? {}) as {
      Job?: Job;
      EnforceIndex?: boolean;
      JobModifyIndex?: number;
      Region?: string;
      Namespace?: string;
    };
    if (!body.Job || typeof body.Job !== 'object') throw new HttpError(400, 'Job must be specified');
    if (!body.Job.ID) throw new HttpError(400, "Job ID hasn't been provided");
    if (ctx.params.id !== undefined && body.Job.ID !== ctx.params.id) {
      throw new HttpError(400, 'Job ID does not match name');
    }
    const job = takeJob(ctx, body.Job, body, agent);
    checkNamespaceExists(state, profile, job);
    return {
      json: scheduler.register(job, {
        enforceIndex: body.EnforceIndex === true,
        jobModifyIndex: Number(body.JobModifyIndex ?? 0),
      }),
    };
  };

  return [
    // Agent endpoints answer from the agent itself, without setMeta: no X-Nomad-Index (HEAD
    // command/agent/agent_endpoint.go never calls setIndex; region_endpoint.go neither).
    { methods: read, pattern: '/v1/agent/self', handler: () => ({ json: agent.self(), index: null }) },
    // command/agent/region_endpoint.go: the regions this server knows (the lab has one).
    { methods: read, pattern: '/v1/regions', handler: () => ({ json: [agent.region], index: null }) },
    {
      methods: read,
      pattern: '/v1/namespaces',
      handler: blocking(() => {
        // v0.9.7 command/agent/http_oss.go: the namespace endpoints are Enterprise only in open source.
        if (!profile.namespaces) throw new HttpError(501, 'Nomad Enterprise only endpoint');
        const list = [...state.namespaces].sort().map((name) => ({
          Name: name,
          Description: name === 'default' ? 'Default shared namespace' : '',
          Quota: '',
          Meta: null,
          CreateIndex: 1,
          ModifyIndex: 1,
        }));
        return table('namespaces', list);
      }),
    },
    {
      methods: write,
      pattern: '/v1/jobs/parse',
      handler: async (ctx) => {
        const body = (ctx.body ?? {}) as { JobHCL?: unknown; Canonicalize?: boolean };
        const job = await parseJobHcl(typeof body.JobHCL === 'string' ? body.JobHCL : '', profile.parser);
        // HEAD command/agent/job_endpoint.go:931-978 (v0.9.7 :594-617) answers without setIndex; with
        // Canonicalize, the api.Job after api/jobs.go Job.Canonicalize, every field of the release's struct.
        const json = body.Canonicalize ? apiJobAnswer(canonicalizeJob(job), profile.apiJob) : job;
        return { json, index: null };
      },
    },
    {
      methods: read,
      pattern: '/v1/jobs',
      // HEAD nomad/job_endpoint.go:1481-1490: max of the jobs and job_summary tables; a summary changes with
      // every allocation's client status, so the allocs table stands in for it.
      handler: blocking((ctx, namespace) => ({
        index: Math.max(state.tableIndex('jobs'), state.tableIndex('allocs')),
        json: [...state.jobs.values()]
          .filter((j) => (j.Namespace ?? 'default') === namespace || namespace === '*')
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
          })),
      })),
    },
    { methods: write, pattern: '/v1/jobs', handler: register },
    { methods: write, pattern: '/v1/job/:id/plan', handler: (ctx) => plan(ctx, state, scheduler, agent) },
    {
      methods: read,
      pattern: '/v1/job/:id/allocations',
      // HEAD nomad/job_endpoint.go:1543-1548 (v0.9.7 :990): the allocs table.
      handler: blocking((ctx, ns) =>
        table(
          'allocs',
          state.allocsOfJob(ns, ctx.params.id as string).map((a) => toAllocStub(a, profile)),
        ),
      ),
    },
    {
      methods: read,
      pattern: '/v1/job/:id/evaluations',
      // HEAD nomad/job_endpoint.go:1591 (v0.9.7 :1032): the evals table.
      handler: blocking((ctx, ns) =>
        table(
          'evals',
          [...state.evals.values()]
            .filter((e) => e.JobID === ctx.params.id && e.Namespace === ns)
            .sort((a, b) => b.CreateIndex - a.CreateIndex)
            .map((e) => toEvaluationView(e, profile)),
        ),
      ),
    },
    {
      methods: read,
      pattern: '/v1/job/:id/deployment',
      handler: blocking((ctx, ns) => {
        // HEAD nomad/job_endpoint.go:1684 (v0.9.7 :1115): the deployment table, 0 before the first deployment.
        const latest = state.latestDeployment(ns, ctx.params.id as string);
        return table('deployment', latest ? toDeploymentView(latest, profile) : null);
      }),
    },
    {
      methods: read,
      pattern: '/v1/job/:id/deployments',
      handler: blocking((ctx, ns) =>
        table(
          'deployment',
          state.deploymentsOfJob(ns, ctx.params.id as string).map((d) => toDeploymentView(d, profile)),
        ),
      ),
    },
    {
      methods: write,
      pattern: '/v1/job/:id/evaluate',
      handler: (ctx) => {
        checkWriteRegion(ctx.query.get('region'), agent.region);
        return { json: scheduler.evaluate(namespaceOf(ctx), ctx.params.id as string) };
      },
    },
    // HEAD nomad/job_endpoint.go:1219-1227: the job's ModifyIndex, else the jobs table.
    {
      methods: read,
      pattern: '/v1/job/:id',
      handler: blocking((ctx, ns) => one(state.job(ns, ctx.params.id as string), 'jobs', 'job', (j) => j)),
    },
    { methods: write, pattern: '/v1/job/:id', handler: register },
    {
      methods: ['DELETE'],
      pattern: '/v1/job/:id',
      handler: (ctx) => {
        checkWriteRegion(ctx.query.get('region'), agent.region);
        return { json: scheduler.deregister(namespaceOf(ctx), ctx.params.id as string, parseBoolParam(ctx, 'purge')) };
      },
    },
    {
      methods: read,
      pattern: '/v1/evaluation/:id',
      // HEAD nomad/eval_endpoint.go:100-108 (v0.9.7 :65-68).
      handler: blocking((ctx) =>
        one(state.evals.get(ctx.params.id as string), 'evals', 'eval', (e) => toEvaluationView(e, profile)),
      ),
    },
    {
      methods: read,
      pattern: '/v1/allocation/:id',
      // HEAD nomad/alloc_endpoint.go:174-177 (v0.9.7 :133-136).
      handler: blocking((ctx) =>
        one(state.allocs.get(ctx.params.id as string), 'allocs', 'alloc', (alloc) =>
          toAllocation(
            alloc,
            state.nodes.find((n) => n.ID === alloc.NodeID),
            profile,
          ),
        ),
      ),
    },
    {
      methods: read,
      pattern: '/v1/deployment/allocations/:id',
      // v0.9.7 nomad/deployment_endpoint.go:359: the allocs table.
      handler: blocking((ctx) =>
        table(
          'allocs',
          [...state.allocs.values()]
            .filter((a) => a.DeploymentID === ctx.params.id)
            .map((a) => toAllocStub(a, profile)),
        ),
      ),
    },
    {
      methods: read,
      pattern: '/v1/deployment/:id',
      // HEAD nomad/deployment_endpoint.go:80-88 (v0.9.7 :63-66).
      handler: blocking((ctx) =>
        one(state.deployments.get(ctx.params.id as string), 'deployment', 'deployment', (d) =>
          toDeploymentView(d, profile),
        ),
      ),
    },
    {
      methods: read,
      pattern: '/v1/nodes',
      // v0.9.7 nomad/node_endpoint.go:1241: the nodes table (the lab's nodes register at boot).
      handler: blocking((ctx) =>
        table(
          'nodes',
          state.nodes
            .filter((n) => n.ID.startsWith(ctx.query.get('prefix') ?? ''))
            .map((n) => toNodeStub(n, BOOT_INDEX, profile)),
        ),
      ),
    },
    {
      methods: read,
      pattern: '/v1/node/:id',
      // v0.9.7 nomad/node_endpoint.go:785-788: the node's ModifyIndex, else the nodes table.
      handler: blocking((ctx) => {
        const found = state.nodes.find((n) => n.ID === ctx.params.id);
        const node = found && { ...found, ModifyIndex: BOOT_INDEX };
        return one(node, 'nodes', 'node', (node) => toNodeDetail(node, BOOT_INDEX, profile));
      }),
    },
  ];
}

function plan(ctx: RequestContext, state: NomadState, scheduler: Scheduler, agent: AgentView): Reply {
  const body = (ctx.body ?? {}) as { Job?: Job; Diff?: boolean; Region?: string; Namespace?: string };
  // HEAD command/agent/job_endpoint.go:181-189: the plan's own texts.
  if (!body.Job || typeof body.Job !== 'object') throw new HttpError(400, 'Job must be specified');
  if (!body.Job.ID) throw new HttpError(400, 'Job must have a valid ID');
  if (ctx.params.id !== undefined && body.Job.ID !== ctx.params.id) throw new HttpError(400, 'Job ID does not match');
  const job = takeJob(ctx, body.Job, body, agent);
  // 1.x runs the namespace validator on plan too (nomad/job_endpoint.go Plan → admissionControllers); 0.9's
  // check lives in the state store, which a plan never writes.
  if (agent.profile.missingNamespaceError === 'multierror') checkNamespaceExists(state, agent.profile, job);
  const desired = agent.profile.fields.desiredUpdates;
  return { json: planJob(state, job, body.Diff === true, scheduler.nodeLoads(job.ID), desired) };
}

/**
 * The job as the HTTP agent hands it to the RPC: region by `regionForJob` (query > body > job, `global` or
 * nothing = this agent's region; HEAD command/agent/job_endpoint.go:1057-1084), namespace by `namespaceForJob`
 * (query > body > job), then canonicalized and validated.
 */
function takeJob(
  ctx: RequestContext,
  input: Job,
  body: { Region?: string; Namespace?: string },
  agent: AgentView,
): Job {
  const requested = ctx.query.get('region') || body.Region || input.Region || '';
  const region = requested === '' || requested === 'global' ? agent.region : requested;
  checkWriteRegion(region, agent.region);
  const namespace = ctx.query.get('namespace') || body.Namespace || input.Namespace || 'default';
  const job = canonicalizeJob({ ...input, Region: region, Namespace: namespace });
  const problems = validateJob(job);
  if (problems) throw new HttpError(500, problems);
  return job;
}

/** Register into a namespace that does not exist fails with the release's text (version-profiles.ts). */
function checkNamespaceExists(state: NomadState, profile: NomadProfile, job: Job): void {
  const namespace = job.Namespace ?? 'default';
  if (state.namespaces.has(namespace)) return;
  const text = `job "${job.ID}" is in nonexistent namespace "${namespace}"`;
  throw new HttpError(500, profile.missingNamespaceError === 'plain' ? text : formatMultiError([text]));
}

function namespaceOf(ctx: RequestContext): string {
  return ctx.query.get('namespace') || 'default';
}

/**
 * Reads are forwarded by the literal `?region=`; a region the server has no path to is `structs.ErrNoRegionPath`,
 * "No path to region", a 500 (HEAD nomad/rpc.go:700-731, nomad/structs/errors.go:16; v0.9.7 nomad/rpc.go:514,
 * nomad/structs/errors.go:11).
 */
function checkReadRegion(ctx: RequestContext, agentRegion: string) {
  const region = ctx.query.get('region');
  if (region && region !== agentRegion) throw new HttpError(500, 'No path to region');
}

function checkWriteRegion(region: string | null, agentRegion: string) {
  if (region && region !== agentRegion) throw new HttpError(500, 'No path to region');
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

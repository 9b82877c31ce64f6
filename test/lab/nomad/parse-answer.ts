import type { Job, Task, TaskGroup } from './job-types.js';
import type { NomadProfile } from './version-profiles.js';

const second = 1e9;

/** api.Job field lists of one release (api/jobs.go, api/tasks.go, api/resources.go at the tag), in struct order. */
type ApiJobLayout = NomadProfile['apiJob'];

type Obj = Record<string, unknown>;

/**
 * What `Canonicalize` fills where the spec left a field nil, per struct (HEAD api/jobs.go Job.Canonicalize,
 * api/tasks.go TaskGroup/Task.Canonicalize, DefaultEphemeralDisk, DefaultMigrateStrategy, DefaultLogConfig,
 * api/resources.go DefaultResources; v0.9.7 sets the same values on the fields it has). A field the layout of
 * a release does not list is dropped, so one table serves every release.
 */
const jobDefaults: Obj = {
  ID: '',
  ParentID: '',
  Namespace: 'default',
  Priority: 50,
  Stop: false,
  Region: 'global',
  NodePool: '',
  Type: 'service',
  AllAtOnce: false,
  Dispatched: false,
  ConsulNamespace: '',
  VaultNamespace: '',
  NomadTokenID: '',
  VaultToken: '',
  Status: '',
  StatusDescription: '',
  Stable: false,
  Version: 0,
  CreateIndex: 0,
  ModifyIndex: 0,
  JobModifyIndex: 0,
};
const taskDefaults: Obj = {
  User: '',
  KillTimeout: 5 * second,
  Leader: false,
  ShutdownDelay: 0,
  KillSignal: '',
  Kind: '',
};
const logConfigDefaults: Obj = { MaxFiles: 10, MaxFileSizeMB: 10, Disabled: false };
/** Cores 0 from DefaultResources (1.x); CPU/MemoryMB are already filled by canonicalizeJob. */
const resourcesDefaults: Obj = { Cores: 0 };

/** api/tasks.go NewDefaultReschedulePolicy: service and batch; system and sysbatch get none (nil). */
function defaultReschedule(type: string): Obj | null {
  if (type === 'service')
    return {
      Attempts: 0,
      Interval: 0,
      Delay: 30 * second,
      DelayFunction: 'exponential',
      MaxDelay: 3600 * second,
      Unlimited: true,
    };
  if (type === 'batch')
    return {
      Attempts: 1,
      Interval: 24 * 3600 * second,
      Delay: 5 * second,
      DelayFunction: 'constant',
      MaxDelay: 0,
      Unlimited: false,
    };
  return null;
}

/** api/tasks.go defaultServiceJobRestartPolicy / defaultBatchJobRestartPolicy, merged with the group's own. */
function groupRestart(type: string, own: Obj | null | undefined): Obj {
  const base: Obj =
    type === 'service' || type === 'system'
      ? { Interval: 30 * 60 * second, Attempts: 2, Delay: 15 * second, Mode: 'fail', RenderTemplates: false }
      : { Interval: 24 * 3600 * second, Attempts: 3, Delay: 15 * second, Mode: 'fail', RenderTemplates: false };
  return { ...base, ...withoutNil(own ?? {}) };
}

/**
 * The body of `/v1/jobs/parse` with `Canonicalize: true`: the api.Job after Canonicalize, every field of the
 * release's struct present (none of them is omitempty except Task.CSIPluginConfig, which is nil here), nil
 * pointers as `null`. `job` is the output of canonicalizeJob (count, update strategy, resources already filled).
 * Services keep the form map-hcl-job gives them (api.Service canonicalization is not modelled).
 */
export function apiJobAnswer(job: Job, layout: ApiJobLayout): Obj {
  const type = job.Type ?? 'service';
  const groups = (job.TaskGroups ?? []).map((g) => apiGroup(g, type, layout));
  return lay({ ...jobDefaults, ...withoutNil(job), TaskGroups: groups }, layout.job);
}

function apiGroup(group: TaskGroup, type: string, layout: ApiJobLayout): Obj {
  const restart = lay(groupRestart(type, group.RestartPolicy as Obj | null), layout.restartPolicy);
  const fills: Obj = {
    EphemeralDisk: { Sticky: false, Migrate: false, SizeMB: 300 },
    ReschedulePolicy: defaultReschedule(type),
    Migrate:
      type === 'service'
        ? { MaxParallel: 1, HealthCheck: 'checks', MinHealthyTime: 10 * second, HealthyDeadline: 300 * second }
        : null,
  };
  const tasks = (group.Tasks ?? []).map((t) => apiTask(t, restart, layout));
  return lay({ ...fills, ...withoutNil(group), RestartPolicy: restart, Tasks: tasks }, layout.group);
}

/** Task.Canonicalize: resources, kill timeout, log config; the group's restart policy (1.x: Task has one). */
function apiTask(task: Task, restart: Obj, layout: ApiJobLayout): Obj {
  const resources = lay({ ...resourcesDefaults, ...withoutNil((task.Resources ?? {}) as Obj) }, layout.resources);
  const logConfig = lay({ ...logConfigDefaults, ...withoutNil((task.LogConfig ?? {}) as Obj) }, layout.logConfig);
  const own = (task.RestartPolicy ?? null) as Obj | null;
  const restartPolicy = own ? lay({ ...restart, ...withoutNil(own) }, layout.restartPolicy) : restart;
  return lay(
    { ...taskDefaults, ...withoutNil(task), Resources: resources, LogConfig: logConfig, RestartPolicy: restartPolicy },
    layout.task,
  );
}

/** The fields of `layout`, in its order, each as set or `null` (a nil pointer, slice or map encodes as null). */
function lay(values: Obj, layout: readonly string[]): Obj {
  return Object.fromEntries(layout.map((field) => [field, values[field] ?? null]));
}

function withoutNil(obj: object): Obj {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined && v !== null));
}

import { stringifySorted } from './http/stable-ids.js';
import type { Job } from './job-types.js';
import { getGroupAsk, isSpecChanged } from './make-objects.js';
import { isAllocLive, type NomadState } from './nomad-state.js';
import { type NodeLoad, placeAllocations } from './place-allocations.js';

interface GroupPlan {
  diff: { Name: string; Type: string; Updates: Record<string, number>; Fields: null; Objects: null; Tasks: null };
  desired: Record<string, number>;
  place: number;
}

/**
 * A dry-run plan (`POST /v1/job/:id/plan`): the diff against the registered job, the desired updates per
 * group, and FailedTGAllocs when the new allocations would not fit. Nothing is changed.
 */
export function planJob(
  state: NomadState,
  job: Job,
  wantDiff: boolean,
  loads: NodeLoad[],
  desiredFields: readonly string[],
) {
  const namespace = job.Namespace ?? 'default';
  const existing = state.job(namespace, job.ID ?? '');
  const live = existing ? state.allocsOfJob(namespace, existing.ID ?? '').filter(isAllocLive) : [];
  const isNew = !existing || existing.Stop === true;
  const groupPlans = (job.TaskGroups ?? []).map((group): GroupPlan => {
    const name = group.Name ?? '';
    const count = group.Count ?? 1;
    const current = isNew ? [] : live.filter((a) => a.TaskGroup === name);
    const oldGroup = existing?.TaskGroups?.find((g) => g.Name === name);
    const groupChanged = !oldGroup || stringifySorted(oldGroup) !== stringifySorted(group);
    const updates: Record<string, number> = {};
    // DesiredUpdates carries every field of the release's struct (version-profiles.ts), zero when unused.
    const desired: Record<string, number> = Object.fromEntries(desiredFields.map((f) => [f, 0]));
    const kept = Math.min(current.length, count);
    if (kept > 0 && groupChanged && !isNew) {
      updates['create/destroy update'] = kept;
      desired.DestructiveUpdate = kept;
    } else if (kept > 0) {
      updates.ignore = kept;
      desired.Ignore = kept;
    }
    if (count > kept) {
      updates.create = count - kept;
      desired.Place = count - kept;
    }
    if (current.length > count) {
      updates.destroy = current.length - count;
      desired.Stop = current.length - count;
    }
    const type = isNew || !oldGroup ? 'Added' : groupChanged ? 'Edited' : 'None';
    return {
      diff: { Name: name, Type: type, Updates: updates, Fields: null, Objects: null, Tasks: null },
      desired,
      place: (desired.Place ?? 0) + (desired.DestructiveUpdate ?? 0),
    };
  });
  const failed: Record<string, unknown> = {};
  (job.TaskGroups ?? []).forEach((group, i) => {
    const plan = groupPlans[i] as GroupPlan;
    const result = placeAllocations(loads, { count: plan.place, ...getGroupAsk(group) });
    if (result.metric) failed[group.Name ?? ''] = result.metric;
  });
  const jobType = isNew ? 'Added' : existing && isSpecChanged(existing, job) ? 'Edited' : 'None';
  return {
    JobModifyIndex: existing?.JobModifyIndex ?? 0,
    CreatedEvals: null,
    Diff: wantDiff
      ? { Type: jobType, ID: job.ID, Fields: null, Objects: null, TaskGroups: groupPlans.map((p) => p.diff) }
      : null,
    Annotations: {
      DesiredTGUpdates: Object.fromEntries(groupPlans.map((p) => [p.diff.Name, p.desired])),
      PreemptedAllocs: null,
    },
    FailedTGAllocs: Object.keys(failed).length ? failed : null,
    NextPeriodicLaunch: '0001-01-01T00:00:00Z',
    Warnings: '',
    Index: state.index.value,
  };
}

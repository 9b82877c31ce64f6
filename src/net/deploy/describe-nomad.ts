import type { Allocation, AllocationMetric, PlanResponse } from '../../clients/nomad/types.js';

/** One line per task group that Nomad could not (fully) place, with the reason in Nomad's own terms. */
export function describePlacementFailures(failed: Record<string, AllocationMetric> | null | undefined): string[] {
  return Object.entries(failed ?? {}).map(([group, m]) => {
    const parts: string[] = [];
    const evaluated = m.NodesEvaluated ?? 0;
    if (m.NodesExhausted) parts.push(`${m.NodesExhausted} of ${evaluated} nodes exhausted`);
    const dims = Object.entries((m.DimensionExhausted as Record<string, number> | null | undefined) ?? {}).map(
      ([d, n]) => `${d} on ${n}`,
    );
    if (dims.length) parts.push(`(${dims.join(', ')})`);
    const constraints = Object.entries((m.ConstraintFiltered as Record<string, number> | null | undefined) ?? {}).map(
      ([c, n]) => `${c} filtered ${n}`,
    );
    if (constraints.length) parts.push(`constraints: ${constraints.join(', ')}`);
    if (m.NodesFiltered) parts.push(`${m.NodesFiltered} filtered`);
    const coalesced = m.CoalescedFailures ? ` — ${m.CoalescedFailures + 1} allocations not placed` : '';
    return `group ${group}: ${parts.join(' ') || 'no node could take it'}${coalesced}`;
  });
}

/** The plan's diff in one line, e.g. `httpbackend: create 2` or `httpbackend: create/destroy update 2`. */
export function describePlan(plan: PlanResponse): string[] {
  const lines: string[] = [];
  const updates = (plan.Annotations?.DesiredTGUpdates ?? {}) as Record<string, Record<string, number>>;
  for (const [group, counts] of Object.entries(updates)) {
    const parts = Object.entries(counts)
      .filter(([, n]) => typeof n === 'number' && n > 0)
      .map(([what, n]) => `${what.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()} ${n}`);
    lines.push(`${group}: ${parts.join(', ') || 'no change'}`);
  }
  if (lines.length === 0)
    lines.push(`diff: ${String((plan.Diff as { Type?: string } | null | undefined)?.Type ?? 'unknown')}`);
  return lines;
}

/** The last task events of a failed allocation, most recent last: what the operator needs to see first. */
export function describeTaskEvents(alloc: Allocation, maxEvents = 6): string[] {
  const lines: string[] = [];
  for (const [task, state] of Object.entries(alloc.TaskStates ?? {})) {
    for (const e of (state.Events ?? []).slice(-maxEvents)) {
      const text = e.DisplayMessage || e.DriverError || e.Message || '';
      const exit =
        e.ExitCode !== undefined && e.ExitCode !== null && e.Type === 'Terminated' ? ` (exit ${e.ExitCode})` : '';
      lines.push(`${task}: ${e.Type}${text ? `: ${text}` : ''}${exit}`);
    }
  }
  return lines;
}

/**
 * True when a plan (with diff) changes nothing: the job diff is `None` and every task group only ignores
 * allocations (no place, stop, update, migrate or canary). Such a register would only force an evaluation.
 */
export function isUnchangedPlan(plan: PlanResponse): boolean {
  const diffType = (plan.Diff as { Type?: string } | null | undefined)?.Type;
  if (diffType !== undefined && diffType !== 'None') return false;
  const updates = (plan.Annotations?.DesiredTGUpdates ?? {}) as Record<string, Record<string, number>>;
  const groups = Object.values(updates);
  if (diffType === undefined && groups.length === 0) return false;
  return groups.every((counts) => Object.entries(counts).every(([what, n]) => what === 'Ignore' || !n));
}

import type { CancelOutcome } from '../queue/cancel.js';
import { formatElapsed } from '../report/format-elapsed.js';
import type { Report, ReportBlock } from '../report/model.js';
import type { JobRecord } from '../stores/job-store.js';

/** `/jobs`: the caller's recent jobs with state and duration, newest first. */
export function buildJobsReport(records: JobRecord[], nowMs: number): Report {
  if (records.length === 0) {
    return {
      command: 'jobs',
      ok: true,
      title: 'No jobs yet',
      blocks: [{ kind: 'text', text: 'You have not run any command yet.' }],
      jobs: [],
    };
  }
  const rows = records.map((r) => [
    r.jobId,
    r.commandText.length > 60 ? `${r.commandText.slice(0, 57)}...` : r.commandText,
    r.step && r.state === 'running' ? `running: ${r.step}` : r.state,
    formatElapsed((r.finishedAt ?? nowMs) - (r.startedAt ?? r.createdAt)),
    new Date(r.createdAt).toISOString().replace('T', ' ').slice(0, 19),
  ]);
  return {
    command: 'jobs',
    ok: true,
    title: `Your last ${records.length} job${records.length === 1 ? '' : 's'}`,
    blocks: [{ kind: 'table', columns: ['job', 'command', 'state', 'duration', 'started (UTC)'], rows }],
    jobs: records.map((r) => ({
      jobId: r.jobId,
      command: r.commandText,
      state: r.state,
      createdAt: r.createdAt,
      finishedAt: r.finishedAt ?? null,
    })),
  };
}

/**
 * `/jobs <job-id>`: one job's state and, once it has one, its whole result (blocks, then the thread detail; charts
 * are named, not shown). Answered to the caller alone, so it also reaches users in channels the bot is not in.
 */
export function buildJobResultReport(
  jobId: string,
  found: { record: JobRecord; report?: Report } | 'not-found' | 'not-yours',
  nowMs: number,
): Report {
  if (found === 'not-found' || found === 'not-yours') {
    const text =
      found === 'not-found'
        ? `There is no job \`${jobId}\` (results are kept 7 days). See \`/jobs\` for your jobs.`
        : `Job \`${jobId}\` was started by someone else; only they (or an admin) can see its result.`;
    return { command: 'jobs', ok: false, title: text, blocks: [{ kind: 'text', text }], jobId };
  }
  const { record: r, report } = found;
  const state = r.state === 'running' && r.step ? `running: ${r.step}` : r.state;
  const since = formatElapsed((r.finishedAt ?? nowMs) - (r.startedAt ?? r.createdAt));
  const blocks: ReportBlock[] = [{ kind: 'text', text: `\`${r.commandText}\` · *${state}* · ${since}` }];
  if (r.errorText) blocks.push({ kind: 'alert', level: 'danger', text: r.errorText });
  if (report) {
    blocks.push(...report.blocks.filter((b) => b.kind !== 'actions'), ...(report.thread ?? []));
    for (const file of report.files ?? []) blocks.push({ kind: 'text', text: `chart: ${file.title} (not shown here)` });
  }
  return {
    command: 'jobs',
    ok: true,
    title: report ? report.title : `job ${jobId}: ${state}`,
    blocks,
    jobId,
    state: r.state,
  };
}

/** `/cancel`: what happened to the job. */
export function buildCancelReport(jobId: string, outcome: CancelOutcome): Report {
  const messages: Record<CancelOutcome['kind'], string> = {
    cancelled: `Job \`${jobId}\` was removed from the queue before it started.`,
    requested: `Cancel requested for job \`${jobId}\`; its message will say when it has stopped.`,
    finished: `Job \`${jobId}\` has already finished: nothing to cancel.`,
    'not-found': `There is no job \`${jobId}\`. See \`/jobs\` for your jobs.`,
    'not-yours': `Job \`${jobId}\` was started by someone else; only they (or an admin) can cancel it.`,
  };
  const ok = outcome.kind === 'cancelled' || outcome.kind === 'requested';
  return {
    command: 'cancel',
    ok,
    title: messages[outcome.kind],
    blocks: [{ kind: 'text', text: messages[outcome.kind] }],
    jobId,
    outcome: outcome.kind,
  };
}

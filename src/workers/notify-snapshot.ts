import type { Report, StatusView } from '../report/model.js';
import type { DeliveryState, DeliveryStore } from '../stores/delivery-store.js';
import { isFinalState, type JobRecord, type JobStore, toStatusView } from '../stores/job-store.js';
import { WARN_BEFORE_MS } from './notify-timing.js';

/** Everything one render of a reply needs, read together. */
export interface ReplySnapshot {
  rec: JobRecord;
  state: DeliveryState;
  view: StatusView;
  report: Report | undefined;
  final: boolean;
  /** What the reply shows of this state; equal keys render the same message. */
  key: string;
}

/**
 * Reads the job, its delivery state and (once final) its report; undefined when the job is gone. A reply answered
 * through a response URL that is about to expire while the job runs has something new to show (the notice saying
 * where the result will be) even when the job itself has not moved: its key says so.
 */
export async function readSnapshot(
  store: JobStore,
  delivery: DeliveryStore,
  jobId: string,
  nowMs: number,
): Promise<ReplySnapshot | undefined> {
  const [rec, state] = await Promise.all([store.get(jobId), delivery.get(jobId)]);
  if (!rec) return undefined;
  const final = isFinalState(rec.state);
  const report = final ? await store.getReport(jobId) : undefined;
  const view: StatusView = { ...toStatusView(rec), ...(state.notes.length > 0 ? { notes: state.notes } : {}) };
  const respond = rec.reply.kind === 'slack' ? rec.reply.respond : undefined;
  const warnDue =
    state.mode === 'respond' && !final && !state.warned && respond && nowMs >= respond.expiresAt - WARN_BEFORE_MS;
  return { rec, state, view, report, final, key: `${renderKey(rec, state)}${warnDue ? '|warn' : ''}` };
}

/** True when the reply already shows everything this snapshot has. */
export function isShown(s: ReplySnapshot): boolean {
  return s.state.renderedKey === s.key && !s.state.replaceVia;
}

function renderKey(rec: JobRecord, state: DeliveryState): string {
  return [
    rec.state,
    rec.step ?? '',
    rec.history.length,
    rec.queuePosition ?? '',
    rec.errorText ?? '',
    rec.reportRev ?? 0,
    state.notes.length,
  ].join('|');
}

import type { DeliveryState, DeliveryStore } from '../queue/delivery-store.js';
import { isFinalState, type JobRecord, type JobStore, toStatusView } from '../queue/job-store.js';
import type { Report, StatusView } from '../report/model.js';

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

/** Reads the job, its delivery state and (once final) its report; undefined when the job is gone. */
export async function readSnapshot(
  store: JobStore,
  delivery: DeliveryStore,
  jobId: string,
): Promise<ReplySnapshot | undefined> {
  const [rec, state] = await Promise.all([store.get(jobId), delivery.get(jobId)]);
  if (!rec) return undefined;
  const final = isFinalState(rec.state);
  const report = final ? await store.getReport(jobId) : undefined;
  const view: StatusView = { ...toStatusView(rec), ...(state.notes.length > 0 ? { notes: state.notes } : {}) };
  return { rec, state, view, report, final, key: renderKey(rec, state) };
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

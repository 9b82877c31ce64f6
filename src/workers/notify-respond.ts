import type { Logger } from '../logging.js';
import type { RespondTarget } from '../queue/job-data.js';
import type { Producer } from '../queue/producer.js';
import type { RespondBudget } from '../queue/respond-budget.js';
import { deliveryProblemOf, type Notifier } from '../report/notifier.js';
import type { DeliveryStore } from '../stores/delivery-store.js';
import { approvalIdOf, notes } from './notify-notes.js';
import type { ReplySnapshot } from './notify-snapshot.js';
import { RESPOND_GAP_MS, WARN_BEFORE_MS } from './notify-timing.js';

export interface RespondDeps {
  notifier: Notifier;
  delivery: DeliveryStore;
  budget: RespondBudget;
  producer: Pick<Producer, 'scheduleNotify'>;
  logger: Logger;
  nowMs: () => number;
}

/** Outcome of one attempt: the state is shown (or can never be), or a later notify job will show it. */
export type RespondOutcome = 'shown' | 'later';

/**
 * Renders the reply through the command's response URL, for a job whose channel the bot cannot post in. The URL
 * allows a few uses within a limited time (Slack: 5 in 30 minutes), so: the first answer replaces the ack; then
 * at most a couple of intermediate states, at least {@link RESPOND_GAP_MS} apart (what happens between is
 * coalesced, a delayed notify job shows the latest); one use is always kept for the final result and one for a
 * plain fallback or the "window closing" notice, which says where the result will be (`/jobs <id>`).
 */
export async function renderViaRespond(
  deps: RespondDeps,
  s: ReplySnapshot,
  entering: boolean,
): Promise<RespondOutcome> {
  const { jobId } = s.rec;
  const target = s.rec.reply.kind === 'slack' ? s.rec.reply.respond : undefined;
  const respond = deps.notifier.respond?.bind(deps.notifier);
  const now = deps.nowMs();
  if (!target || !respond || now >= target.expiresAt) {
    await deps.delivery.setMode(jobId, 'none');
    deps.logger.warn(
      { jobId, hasUrl: Boolean(target) },
      'reply cannot be delivered: no channel access, no live response URL',
    );
    return 'shown';
  }
  const maxUses = deps.notifier.limits?.respondUses ?? 5;
  const ttlMs = target.expiresAt - now + 3_600_000;
  const view = { ...s.view, notes: [...(s.view.notes ?? [])] };
  const note = async (text: string) => {
    await deps.delivery.addNote(jobId, text);
    if (!view.notes.includes(text)) view.notes.push(text);
  };
  const take = await chooseUse(deps, s, target, { now, entering, maxUses, note });
  if (!take) return 'shown';
  const got = await deps.budget.take(target.url, { ...take, ttlMs });
  if (!got.taken) {
    const gapLeft = got.sinceLastMs === undefined ? 0 : take.minGapMs - got.sinceLastMs;
    if (!s.final && got.uses < take.maxUses && gapLeft > 0) {
      await deps.producer.scheduleNotify(jobId, gapLeft, 'respond');
      return 'later';
    }
    if (s.final) deps.logger.warn({ jobId, uses: got.uses }, 'response URL used up: the result stays in /jobs');
    return 'shown';
  }
  if (entering && !s.final && target.expiresAt - WARN_BEFORE_MS > now) {
    await deps.producer.scheduleNotify(jobId, target.expiresAt - WARN_BEFORE_MS - now, 'respond-warn');
  }
  const replaceOriginal = target.kind === 'command';
  try {
    await respond(target, view, s.report, { replaceOriginal });
  } catch (err) {
    const problem = deliveryProblemOf(err);
    if (problem === 'url_spent') {
      await deps.budget.spend(target.url, maxUses, ttlMs);
      await deps.delivery.setMode(jobId, 'none');
      return 'shown';
    }
    if (problem !== 'content_rejected' || !s.report) throw err;
    // The full result was refused: a plain one (status, title, notes) with a pointer to the whole result.
    await note(notes.resultTooLarge(jobId));
    if (!(await deps.budget.take(target.url, { maxUses, minGapMs: 0, ttlMs })).taken) return 'shown';
    await respond(target, view, s.report, { replaceOriginal, plain: true });
  }
  return 'shown';
}

/**
 * How this answer may use the response URL: the final result may take the last use; the "window closing" notice
 * all but the last; the first answer and intermediate states leave two (spaced by the gap). Undefined: no answer
 * now (a button's URL cannot replace its own answers, so intermediate states are left out; the notice went out).
 */
async function chooseUse(
  deps: RespondDeps,
  s: ReplySnapshot,
  target: RespondTarget,
  ctx: { now: number; entering: boolean; maxUses: number; note: (text: string) => Promise<void> },
): Promise<{ maxUses: number; minGapMs: number } | undefined> {
  const { jobId } = s.rec;
  if (s.final) {
    if (s.report?.thread?.length || s.report?.files?.length) await ctx.note(notes.detailLeftOut(jobId));
    const approvalId = approvalIdOf(s.report);
    if (approvalId) await ctx.note(notes.approversCannotSee(approvalId));
    return { maxUses: ctx.maxUses, minGapMs: 0 };
  }
  if (ctx.now >= target.expiresAt - WARN_BEFORE_MS) {
    if (!(await deps.delivery.markWarned(jobId))) return undefined;
    await ctx.note(notes.windowClosing(jobId));
    return { maxUses: ctx.maxUses - 1, minGapMs: 0 };
  }
  if (target.kind === 'action' && !ctx.entering) return undefined;
  return { maxUses: ctx.maxUses - 2, minGapMs: ctx.entering ? 0 : RESPOND_GAP_MS };
}

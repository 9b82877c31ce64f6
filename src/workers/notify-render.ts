import type { Logger } from '../logging.js';
import type { Producer } from '../queue/producer.js';
import type { HeldLock } from '../queue/render-lock.js';
import type { RespondBudget } from '../queue/respond-budget.js';
import type { StatusView } from '../report/model.js';
import { deliveryProblemOf, type MessageRef, type Notifier } from '../report/notifier.js';
import type { DeliveryStore } from '../stores/delivery-store.js';
import type { JobStore } from '../stores/job-store.js';
import { postDetail } from './notify-detail.js';
import { notes } from './notify-notes.js';
import type { Pacer } from './notify-pacer.js';
import { renderViaRespond } from './notify-respond.js';
import { isShown, type ReplySnapshot, readSnapshot } from './notify-snapshot.js';

export interface ReplyRendererDeps {
  store: JobStore;
  delivery: DeliveryStore;
  notifier: Notifier;
  pacer: Pacer;
  budget: RespondBudget;
  producer: Pick<Producer, 'scheduleNotify'>;
  logger: Logger;
  nowMs: () => number;
}

/** Renders one lock holder does before handing over to a fresh notify job. */
const MAX_RENDERS = 10;
/** How long a posted message's ts is kept trying to reach Redis. */
const STORE_REF_PATIENCE_MS = 120_000;

/**
 * Brings a job's reply up to date, for the holder of its render lock. Each round reads the latest state; a state
 * the reply already shows is skipped (no call at all), a new one waits for the message's render slot (so steps
 * that arrive meanwhile coalesce: the render shows the latest) and is rendered in the channel, or through the
 * response URL once the channel refused the bot. A final state then gets its detail, each part once.
 * Throws what the notify job must retry on (429s and pacing carry `retryAfterMs`).
 */
export function createReplyRenderer(deps: ReplyRendererDeps) {
  const snapshot = (jobId: string) => readSnapshot(deps.store, deps.delivery, jobId, deps.nowMs());

  async function renderLatest(jobId: string, lock: HeldLock, lastAttempt: boolean): Promise<void> {
    for (let round = 0; round < MAX_RENDERS; round++) {
      let s = await snapshot(jobId);
      if (s?.rec.reply.kind !== 'slack') return;
      if (isShown(s)) {
        if (s.final && (await postDetailIfDue(s, lock, lastAttempt))) continue;
        return;
      }
      if (await deps.pacer.waitForMessage(jobId)) {
        s = await snapshot(jobId);
        if (!s || isShown(s)) continue;
      }
      await lock.extend();
      const shownKey = await renderOnce(s);
      if (shownKey === undefined) return;
      await deps.delivery.setRendered(jobId, shownKey);
    }
    // Still changing: a fresh notify job carries on, so one worker slot is never held for a whole job.
    await deps.producer.scheduleNotify(jobId, 0, 'continue');
  }

  /** Renders the snapshot; returns the key now shown, or undefined when a later notify job will show it. */
  async function renderOnce(s: ReplySnapshot): Promise<string | undefined> {
    const jobId = s.rec.jobId;
    if (s.state.replaceVia && (await replaceThroughPress(s))) return s.key;
    if (s.state.mode === 'none') return s.key;
    if (s.state.mode === 'respond') return (await respondOnce(s, false)) ? s.key : undefined;
    try {
      return await renderInChannel(s);
    } catch (err) {
      if (deliveryProblemOf(err) !== 'not_member') throw err;
      // Not a member (private channel, DM, …): answer through the command's response URL from now on.
      const channel = s.rec.reply.kind === 'slack' ? s.rec.reply.channel : undefined;
      deps.logger.info({ jobId, channel }, 'bot cannot post in the channel: answering via response URL');
      await deps.delivery.setMode(jobId, 'respond');
      await deps.delivery.addNote(jobId, notes.onlyYou(err));
      const entered = await snapshot(jobId);
      if (!entered) return undefined;
      return (await respondOnce(entered, true)) ? entered.key : undefined;
    }
  }

  async function respondOnce(s: ReplySnapshot, entering: boolean): Promise<boolean> {
    return (await renderViaRespond(deps, s, entering)) === 'shown';
  }

  /** Posts (once) or updates the channel message; a refused message is replaced by a plain one with a note. */
  async function renderInChannel(s: ReplySnapshot): Promise<string> {
    const reply = s.rec.reply as { kind: 'slack'; channel: string; threadTs?: string };
    const withFallback = async (send: (view: StatusView, plain: boolean) => Promise<void>): Promise<string> => {
      try {
        await send(s.view, false);
        return s.key;
      } catch (err) {
        // Only a report can make a message too large or malformed; a plain status would fail the same way.
        if (deliveryProblemOf(err) !== 'content_rejected' || !s.report) throw err;
        deps.logger.warn({ jobId: s.rec.jobId, err }, 'reply refused by the platform: sending it plain');
        await deps.delivery.addNote(s.rec.jobId, notes.resultTooLarge(s.rec.jobId));
        const again = (await snapshot(s.rec.jobId)) ?? s;
        await send(again.view, true);
        return again.key;
      }
    };
    if (s.rec.messageTs && s.rec.messageChannel) {
      const ref = { channel: s.rec.messageChannel, ts: s.rec.messageTs };
      return withFallback(async (view, plain) => {
        await deps.pacer.waitForUpdate(s.rec.jobId);
        await deps.notifier.update(ref, view, s.report, { plain });
      });
    }
    const target = {
      channel: reply.channel,
      userId: s.rec.userId,
      ...(reply.threadTs ? { threadTs: reply.threadTs } : {}),
    };
    return withFallback(async (view, plain) => {
      await deps.pacer.waitForChannelPost(s.rec.jobId, reply.channel);
      const ref = await deps.notifier.post(target, view, s.report, { plain });
      await storeMessageRef(s.rec.jobId, ref);
    });
  }

  /** A decided approval: the press's response URL replaces the message that held the buttons. */
  async function replaceThroughPress(s: ReplySnapshot): Promise<boolean> {
    const target = s.state.replaceVia;
    const respond = deps.notifier.respond?.bind(deps.notifier);
    await deps.delivery.clearReplaceVia(s.rec.jobId);
    if (!target || !respond || deps.nowMs() >= target.expiresAt) return false;
    const ttlMs = target.expiresAt - deps.nowMs() + 3_600_000;
    const maxUses = deps.notifier.limits?.respondUses ?? 5;
    if (!(await deps.budget.take(target.url, { maxUses, minGapMs: 0, ttlMs })).taken) return false;
    try {
      await respond(target, s.view, s.report, { replaceOriginal: true });
      return true;
    } catch (err) {
      // Anything but a transient failure: the usual route (chat.update) still shows the decision.
      if (deliveryProblemOf(err) || (err as { retryable?: boolean }).retryable === false) return false;
      throw err;
    }
  }

  async function postDetailIfDue(s: ReplySnapshot, lock: HeldLock, lastAttempt: boolean): Promise<boolean> {
    if (s.state.mode !== 'channel' || !s.report || !s.rec.messageTs || !s.rec.messageChannel) return false;
    const ref = { channel: s.rec.messageChannel, ts: s.rec.messageTs };
    return postDetail(deps, { jobId: s.rec.jobId, ref, report: s.report, state: s.state, lock, lastAttempt });
  }

  /**
   * The message exists in Slack now: losing its ts would post it again, so the ts is stored even if Redis went away
   * meanwhile, as soon as it is back.
   */
  async function storeMessageRef(jobId: string, ref: MessageRef): Promise<void> {
    const deadline = Date.now() + STORE_REF_PATIENCE_MS;
    for (;;) {
      try {
        await deps.store.setMessage(jobId, ref);
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        deps.logger.warn({ jobId, err: (err as Error).message }, 'cannot store the reply ts yet: retrying');
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  return {
    renderLatest,
    isUpToDate: async (jobId: string) => {
      const s = await snapshot(jobId);
      return !s || isShown(s);
    },
  };
}

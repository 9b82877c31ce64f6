import type { Logger } from '../logging.js';
import type { HeldLock } from '../queue/render-lock.js';
import type { Report } from '../report/model.js';
import { deliveryProblemOf, type MessageRef, type Notifier, retryAfterMsOf } from '../report/notifier.js';
import type { DeliveryState, DeliveryStore } from '../stores/delivery-store.js';
import { notes } from './notify-notes.js';
import type { Pacer } from './notify-pacer.js';

/** Longer than a Slack call may take (10 s timeout, 30 s for file bytes): a claim this old lost its holder. */
const PART_LEASE_MS = 45_000;

export interface DetailDeps {
  notifier: Notifier;
  delivery: DeliveryStore;
  pacer: Pacer;
  logger: Logger;
}

/**
 * Posts the detail of a final reply (thread messages, charts), each part at most once: a part is claimed in Redis
 * before it is sent and settled after, so a failure of a later part (429, 5xx, a refused upload) never posts an
 * earlier one again. A part the platform refuses for good (not a member, content refused, or the last attempt) is
 * given up on, cleaned up (an uploaded file never shared is deleted) and reported once in the reply's notes;
 * after a membership refusal the remaining parts are not even tried. Transient failures release the claim and
 * rethrow, so the notify job is retried (a 429 pauses the channel).
 * @returns true when a note was added (the reply must be rendered again to show it).
 */
export async function postDetail(
  deps: DetailDeps,
  ctx: { jobId: string; ref: MessageRef; report: Report; state: DeliveryState; lock: HeldLock; lastAttempt: boolean },
): Promise<boolean> {
  const { jobId } = ctx;
  let noted = false;
  let refusedMembership: unknown;
  for (const part of deps.notifier.detailParts(ctx.ref, ctx.report)) {
    if (ctx.state.parts[part.key]) continue;
    if (!(await deps.delivery.claimPart(jobId, part.key, PART_LEASE_MS))) continue;
    let saved = ctx.state.saved[part.key];
    const giveUp = async (err: unknown, cleanUp: boolean) => {
      await deps.delivery.settlePart(jobId, part.key, 'failed');
      if (cleanUp && saved && part.abandon) await part.abandon(saved);
      noted = (await deps.delivery.addNote(jobId, notes.partFailed(part.label, err))) || noted;
      deps.logger.warn({ jobId, part: part.key, err }, 'reply detail given up');
    };
    if (refusedMembership) {
      await giveUp(refusedMembership, true);
      continue;
    }
    try {
      if (part.posts) await deps.pacer.waitForChannelPost(jobId, ctx.ref.channel);
      await ctx.lock.extend();
      const save = async (value: string) => {
        saved = value;
        await deps.delivery.savePart(jobId, part.key, value);
      };
      await part.send({ ...(saved ? { saved } : {}), save });
      await deps.delivery.settlePart(jobId, part.key, 'done');
    } catch (err) {
      const problem = deliveryProblemOf(err);
      const permanent = problem !== undefined || (err as { retryable?: boolean }).retryable === false;
      if (retryAfterMsOf(err) !== undefined || (!permanent && !ctx.lastAttempt)) {
        await deps.delivery.releasePart(jobId, part.key);
        throw err;
      }
      if (problem === 'not_member') refusedMembership = err;
      // A part refused for good cleaned up after itself; one given up after its last attempt may not have.
      await giveUp(err, !permanent);
    }
  }
  return noted;
}

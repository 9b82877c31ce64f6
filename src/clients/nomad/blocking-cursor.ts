/**
 * Keeps the `index` of a loop of blocking queries and paces it, so that a misbehaving index can cost at most a
 * few requests a second (issue 17 item 3: an index going backwards or staying 0 once made /deploy send ~4,400
 * requests a second).
 *
 * Rules, from the blocking-query docs of Nomad (website/content/api-docs/index.mdx:615-643 @a443448d: the return
 * of a blocking request is "no guarantee of a change") and Consul, whose "Implementation Details" spell them out
 * (developer.hashicorp.com/consul/api-docs/features/blocking): reset the index when it goes backwards; treat an
 * index of 0 (or none: Nomad sets no X-Nomad-Index on errors, command/agent/http.go:762-790, and answers 0 for a
 * table never written, :881-883) as "cannot block" and reset it; rate-limit the loop, with a back-off while the
 * index misbehaves.
 */

/** Pacing of a blocking loop. */
export interface BlockingPacing {
  /** Minimum time between the starts of two queries. @defaultValue 250 ms (at most 4 requests a second) */
  minIntervalMs?: number;
  /** First back-off after a misbehaving index, doubled each time it misbehaves again. @defaultValue 500 ms */
  firstBackoffMs?: number;
  /** Longest back-off. @defaultValue 5 000 ms */
  maxBackoffMs?: number;
  /** Injected clock and sleep (tests). */
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** How the last answer's index was judged. */
export type IndexVerdict = 'advanced' | 'unchanged' | 'zero' | 'backwards';

export class BlockingCursor {
  #index = 0;
  #lastStart = Number.NEGATIVE_INFINITY;
  #backoffMs = 0;
  readonly #minIntervalMs: number;
  readonly #firstBackoffMs: number;
  readonly #maxBackoffMs: number;
  readonly #now: () => number;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;

  constructor(pacing: BlockingPacing = {}) {
    this.#minIntervalMs = pacing.minIntervalMs ?? 250;
    this.#firstBackoffMs = pacing.firstBackoffMs ?? 500;
    this.#maxBackoffMs = pacing.maxBackoffMs ?? 5_000;
    this.#now = pacing.now ?? Date.now;
    this.#sleep = pacing.sleep ?? sleepUnlessAborted;
  }

  /** The index to send with the next query (0: a non-blocking read). */
  get index(): number {
    return this.#index;
  }

  /**
   * Waits until the next query may start (the minimum interval since the last start, or the current back-off),
   * then returns the index to send. Returns early, without waiting, when the signal is aborted.
   */
  async next(signal?: AbortSignal): Promise<number> {
    const earliest = this.#lastStart + Math.max(this.#minIntervalMs, this.#backoffMs);
    const waitMs = earliest - this.#now();
    if (waitMs > 0 && !signal?.aborted) await this.#sleep(waitMs, signal);
    this.#lastStart = this.#now();
    return this.#index;
  }

  /** Takes the X-Nomad-Index of an answer (undefined or NaN when absent) and decides the next index. */
  update(answered: number | undefined): IndexVerdict {
    const value = answered !== undefined && Number.isFinite(answered) ? answered : 0;
    let verdict: IndexVerdict;
    if (value <= 0) verdict = 'zero';
    else if (value < this.#index) verdict = 'backwards';
    else if (value === this.#index) verdict = 'unchanged';
    else verdict = 'advanced';
    if (verdict === 'zero' || verdict === 'backwards') {
      this.#index = 0;
      this.#backoffMs = Math.min(this.#maxBackoffMs, this.#backoffMs ? this.#backoffMs * 2 : this.#firstBackoffMs);
    } else {
      this.#index = value;
      if (verdict === 'advanced') this.#backoffMs = 0;
    }
    return verdict;
  }
}

/** Waits `ms`, or less when the signal aborts (the caller's next request then sees the abort). */
function sleepUnlessAborted(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

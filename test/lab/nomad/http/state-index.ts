/**
 * A raft-like global index: every state change bumps it, and blocking queries wait for it to pass the index
 * the client already saw. One instance per emulated server.
 */
export class StateIndex {
  #value: number;
  #waiters = new Set<() => void>();

  constructor(initial = 1) {
    this.#value = initial;
  }

  /** The index of the latest change. */
  get value(): number {
    return this.#value;
  }

  /** Records a change and wakes every blocked query; returns the new index. */
  bump(): number {
    this.#value += 1;
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const wake of waiters) wake();
    return this.#value;
  }

  /**
   * Resolves once the index moves beyond `seenIndex` or after `waitMs`, whichever comes first. Returns at
   * once when the index is already past it, like Nomad and Consul do for a stale `?index=`.
   */
  waitBeyond(seenIndex: number, waitMs: number): Promise<void> {
    if (this.#value > seenIndex || waitMs <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.#waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, waitMs);
      this.#waiters.add(wake);
    });
  }

  /** How many queries are blocked right now (for tests and shutdown). */
  get waiting(): number {
    return this.#waiters.size;
  }
}

import { afterAll, beforeAll } from 'vitest';
import { bringUpLabForTests, LAB_LOCK_WAIT_MS } from './lab-support.js';
import type { UpOptions } from './lab-up.js';

// Kept apart from lab-support.ts because it imports vitest, which throws outside a test run: the benches, the
// demo and the lab CLI use lab-support.

/**
 * Brings the lab up before the tests of the enclosing describe block (or of the file, called at its top level)
 * and down after them: the prologue of every lab suite. The bring-up waits for the lab lock (other test processes
 * may hold the lab for a while), hence the long hook timeouts.
 *
 * A suite that sets up more on the lab adds its own hooks after this call: vitest runs beforeAll hooks in the
 * order they were registered and afterAll hooks in reverse (`sequence.hooks: 'stack'`, its default), so the
 * suite's set-up finds the lab up and its teardown runs before the lab goes down.
 */
export function useLabForTests(opts: UpOptions = {}): void {
  let down: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    down = await bringUpLabForTests(opts);
  }, LAB_LOCK_WAIT_MS + 120_000);
  afterAll(async () => {
    await down?.();
  }, LAB_LOCK_WAIT_MS);
}

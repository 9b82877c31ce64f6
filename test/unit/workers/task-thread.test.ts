import { afterEach, describe, expect, it } from 'vitest';
import { CancelledError, ErrorCode } from '../../../src/errors.js';
import {
  type StatusJobsResult,
  type StatusJobsTask,
  tallyJobLists,
} from '../../../src/workers/processors/status-jobs.js';
import { createTaskThread, type TaskThread } from '../../../src/workers/task-thread.js';

// The real thread of /status (src/workers/processors/status-jobs-thread.ts), started through tsx as in the bot.
const entry = new URL('../../../src/workers/processors/status-jobs-thread.ts', import.meta.url);
let thread: TaskThread<StatusJobsTask, StatusJobsResult> | undefined;
afterEach(async () => {
  await thread?.close();
  thread = undefined;
});

const jobs = Array.from({ length: 300 }, (_, i) => ({ ID: `svc-${i}-${i % 3 ? 'b' : 'c'}`, Status: 'running' }));
const slab = () => new Uint8Array(Buffer.from(JSON.stringify(jobs)));

describe('a task thread', () => {
  it('answers as the same work done here, takes the bodies without a copy, and is reused', async () => {
    thread = createTaskThread(entry);
    const here = tallyJobLists({ bodies: [[slab()]], tenants: ['b', 'c'] });
    for (let round = 0; round < 2; round++) {
      const body = slab();
      const answer = await thread.run({ bodies: [[body]], tenants: ['b', 'c'] }, [body.buffer]);
      expect(answer).toEqual(here);
      expect(body.byteLength).toBe(0); // transferred: detached on this side
    }
  }, 60_000);

  it("turns the thread's exception into a coded error and keeps serving", async () => {
    thread = createTaskThread(entry);
    const bad = thread.run({ bodies: null, tenants: [] } as unknown as StatusJobsTask);
    await expect(bad).rejects.toMatchObject({ code: ErrorCode.Internal, message: /worker thread task failed/ });
    await expect(thread.run({ bodies: [], tenants: [] })).resolves.toMatchObject({ ok: true });
  }, 60_000);

  it('rejects a cancelled task at once, and pending tasks when closed', async () => {
    thread = createTaskThread(entry);
    const aborted = new AbortController();
    aborted.abort();
    await expect(thread.run({ bodies: [], tenants: [] }, [], aborted.signal)).rejects.toBeInstanceOf(CancelledError);
    const cancel = new AbortController();
    const pending = thread.run({ bodies: [[slab()]], tenants: [] }, [], cancel.signal);
    cancel.abort();
    await expect(pending).rejects.toBeInstanceOf(CancelledError);
    const closing = expect(thread.run({ bodies: [[slab()]], tenants: [] })).rejects.toBeInstanceOf(CancelledError);
    await thread.close();
    await closing;
  }, 60_000);

  it('fails its tasks with a coded error when the module cannot start', async () => {
    thread = createTaskThread(new URL('./no-such-thread-module.ts', import.meta.url));
    await expect(thread.run({ bodies: [], tenants: [] })).rejects.toMatchObject({
      code: ErrorCode.Internal,
      message: /worker thread died/,
    });
  }, 60_000);
});

import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { parentPort, type Transferable, Worker } from 'node:worker_threads';
import { CancelledError, ErrorCode, NetopsError } from '../errors.js';

/**
 * One worker thread (node:worker_threads) that runs a module's task handler, for CPU-heavy work that must not
 * hold the event loop: with NETOPS_ROLE=all the receiver that acks Slack within 3 s shares the loop with the
 * workers (issue 17 item 7: "heavy reports are built off the receiver's event loop"). The thread starts on
 * first use (or `warm`), is reused by later tasks, and starts again after it died.
 *
 * Both sides of the protocol live here: the caller's `createTaskThread` and the thread module's `serveTasks`.
 */
export interface TaskThread<Req, Res> {
  /** Starts the thread now, so it loads its modules while the caller does its I/O. */
  warm(): void;
  /** Runs one task; `transfer` lists ArrayBuffers handed over without a copy (unusable here afterwards). */
  run(request: Req, transfer?: Transferable[], signal?: AbortSignal): Promise<Res>;
  /** Ends the thread; pending tasks fail. */
  close(): Promise<void>;
}

type Answer<Res> = { id: number; ok: true; result: Res } | { id: number; ok: false; error: string };

/**
 * The thread's bootstrap, run as a CommonJS script: TypeScript modules need tsx's loader, and Node does not
 * pass the loader hooks of the parent (`--import tsx`, tsx's CLI) to a worker (Node 20: "Unknown file extension
 * .ts" without this), so the thread registers tsx itself before importing its module.
 */
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
(workerData.tsxApi ? import(workerData.tsxApi).then((tsx) => tsx.register()) : Promise.resolve())
  .then(() => import(workerData.entry));
`;

/**
 * The URL of tsx's ESM register API, when the entry is a TypeScript file (the bot always runs through tsx).
 * Its CommonJS build cannot register from a worker (it looks for `esm/api/esm/index.mjs`, tsx 4.23), so the
 * ESM build is taken: `import.meta.resolve` where the module loader has it, else beside the CommonJS file that
 * require resolves (tsx ships `dist/esm/api/index.cjs` and `index.mjs` side by side).
 */
function tsxApiFor(entry: URL): string | undefined {
  if (!entry.pathname.endsWith('.ts')) return undefined;
  if (typeof import.meta.resolve === 'function') return import.meta.resolve('tsx/esm/api');
  return pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
}

/** The caller's side: tasks posted to the thread running `entry` (a module that calls `serveTasks`). */
export function createTaskThread<Req, Res>(entry: URL): TaskThread<Req, Res> {
  let worker: Worker | undefined;
  let nextId = 1;
  const pending = new Map<number, { resolve: (r: Res) => void; reject: (e: Error) => void }>();

  // An idle thread must not keep the process alive (a one-shot CLI exits when done); a busy one must, or the
  // process could exit while a task's answer is on its way.
  const updateRef = () => (pending.size > 0 ? worker?.ref() : worker?.unref());

  const failAll = (err: Error) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };

  const start = (): Worker => {
    if (worker) return worker;
    const w = new Worker(BOOTSTRAP, { eval: true, workerData: { entry: entry.href, tsxApi: tsxApiFor(entry) } });
    w.on('message', (answer: Answer<Res>) => {
      const p = pending.get(answer.id);
      if (!p) return; // cancelled meanwhile
      pending.delete(answer.id);
      updateRef();
      if (answer.ok) p.resolve(answer.result);
      else p.reject(new NetopsError(ErrorCode.Internal, `worker thread task failed: ${answer.error}`));
    });
    const died = (err: Error) => {
      if (worker === w) worker = undefined;
      failAll(new NetopsError(ErrorCode.Internal, `worker thread died: ${err.message}`, { cause: err }));
    };
    w.on('error', died);
    w.on('exit', (code) => died(new Error(`exit code ${code}`)));
    worker = w;
    updateRef();
    return w;
  };

  return {
    warm() {
      start();
    },
    run(request, transfer = [], signal) {
      if (signal?.aborted) return Promise.reject(new CancelledError('task cancelled'));
      const w = start();
      const id = nextId++;
      return new Promise<Res>((resolve, reject) => {
        const onAbort = () => {
          // The thread finishes the task anyway (it cannot be interrupted); its answer is dropped.
          if (pending.delete(id)) reject(new CancelledError('task cancelled'));
          updateRef();
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        const done = () => signal?.removeEventListener('abort', onAbort);
        pending.set(id, {
          resolve: (r) => {
            done();
            resolve(r);
          },
          reject: (e) => {
            done();
            reject(e);
          },
        });
        updateRef();
        w.postMessage({ id, request }, transfer);
      });
    },
    async close() {
      const w = worker;
      worker = undefined;
      failAll(new CancelledError('worker thread closed'));
      await w?.terminate();
    },
  };
}

/** The thread's side: answers each posted task with `handle`'s result (or its error's message). */
export function serveTasks<Req, Res>(handle: (request: Req) => Res | Promise<Res>): void {
  const port = parentPort;
  if (!port) throw new Error('serveTasks runs in a worker thread only');
  port.on('message', async ({ id, request }: { id: number; request: Req }) => {
    let answer: Answer<Res>;
    try {
      answer = { id, ok: true, result: await handle(request) };
    } catch (err) {
      answer = { id, ok: false, error: err instanceof Error ? err.message : String(err) };
    }
    port.postMessage(answer);
  });
}

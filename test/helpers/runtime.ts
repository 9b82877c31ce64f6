import { buildRuntime, type Runtime, type RuntimeOptions } from '../../src/main/runtime.js';

/** Builds the runtime as every entry point does, then starts it (queues ready, workers running when asked for). */
export async function startTestRuntime(opts: RuntimeOptions): Promise<Runtime> {
  const runtime = await buildRuntime(opts);
  try {
    await runtime.start();
  } catch (err) {
    await runtime.close();
    throw err;
  }
  return runtime;
}

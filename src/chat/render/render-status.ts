import { formatElapsed } from '../../report/format-elapsed.js';
import type { StatusView } from '../../report/model.js';

/** Options shared by the renderers. */
export interface RenderOptions {
  /**
   * Current time in epoch ms, for the elapsed time of unfinished jobs. Renderers stay pure: without it, an
   * unfinished job shows no elapsed time.
   */
  nowMs?: number;
}

/** The emoji-free status word: `Queued`, `Running: <step>`, `Succeeded`, `Failed`, `Cancelled`. */
export function describeState(status: StatusView): string {
  switch (status.state) {
    case 'queued':
      return status.queuePosition === undefined ? 'Queued' : `Queued (position ${status.queuePosition})`;
    case 'running':
      return status.step ? `Running: ${status.step}` : 'Running';
    case 'succeeded':
      return 'Succeeded';
    case 'failed':
      return 'Failed';
    case 'cancelled':
      return 'Cancelled';
  }
}

/** Elapsed time since the job started, or undefined when it has not started or the end is unknown. */
export function describeElapsed(status: StatusView, opts: RenderOptions = {}): string | undefined {
  if (status.startedAt === undefined) return undefined;
  const endMs = status.finishedAt ?? opts.nowMs;
  if (endMs === undefined) return undefined;
  return formatElapsed(endMs - status.startedAt);
}

/** True once the job can no longer change. */
export function isFinalState(status: StatusView): boolean {
  return status.state === 'succeeded' || status.state === 'failed' || status.state === 'cancelled';
}

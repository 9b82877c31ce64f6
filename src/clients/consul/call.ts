import { EventEmitter } from 'node:events';
import type { z } from 'zod';
import { CancelledError, ErrorCode, NetopsError } from '../../errors.js';
import { redactExternal } from '../../redaction.js';
import { summarizeShapeError } from '../upstream-body.js';
import { mapConsulError } from './map-error.js';

/** Per-call options every Consul method takes. */
export interface ConsulCallOptions {
  signal?: AbortSignal;
}

/** node-consul per-call extras that its typings leave out (papi reads both). */
export interface PapiCallExtras {
  ctx: EventEmitter;
  timeout: number;
  /**
   * Never set at runtime (the token comes from the instance defaults); declared so that node-consul's
   * all-optional option types accept this object (TypeScript's weak-type check).
   */
  token?: never;
}

/** Where a call goes, for error messages. */
export interface CallTarget {
  address: string;
  timeoutMs: number;
  /** Appended to the message when the agent cannot be reached (what to change), e.g. for `access: direct`. */
  unreachableHint?: string;
  /** The ACL token sent on every call: masked in any error text even when it is not a configured secret. */
  token?: string;
}

/**
 * Runs one node-consul call with a timeout and cancellation (papi's `ctx` emitter gets `cancel` when the
 * signal aborts), maps its rejection, and zod-parses the result.
 */
export async function runConsulCall<S extends z.ZodType>(
  target: CallTarget,
  requestName: string,
  schema: S,
  signal: AbortSignal | undefined,
  invoke: (extras: PapiCallExtras) => Promise<unknown>,
): Promise<z.infer<S>> {
  if (signal?.aborted) throw new CancelledError(`${requestName} aborted`);
  const ctx = new EventEmitter();
  const onAbort = () => ctx.emit('cancel');
  signal?.addEventListener('abort', onAbort, { once: true });
  let raw: unknown;
  try {
    raw = await invoke({ ctx, timeout: target.timeoutMs });
  } catch (err) {
    const mapped = mapConsulError(err, requestName, target.address, target.timeoutMs, target.token);
    if (target.unreachableHint && mapped.code === ErrorCode.UpstreamUnreachable) {
      throw new NetopsError(mapped.code, `${mapped.message}: ${target.unreachableHint}`, {
        userMessage: `${mapped.userMessage ?? mapped.message} — ${target.unreachableHint}`,
        retryable: mapped.retryable,
        cause: err,
      });
    }
    throw mapped;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    // A short summary only (issue 17 item 6): the full issue list of a large wrong-shaped answer is huge.
    const summary = redactExternal(summarizeShapeError(parsed.error), { sent: [target.token] });
    throw new NetopsError(ErrorCode.UpstreamHttp, `${requestName}: unexpected response shape: ${summary}`);
  }
  return parsed.data;
}

import type { z } from 'zod';

/** A response body went past the client's size cap; the stream was destroyed at that point. */
export class ResponseTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`response body larger than ${limit} bytes: cut at the cap`);
    this.name = 'ResponseTooLargeError';
  }
}

/** A body is kept in pieces of about this size (see readCappedSlabs). */
const SLAB_BYTES = 1024 * 1024;

/**
 * Reads a response body, failing as soon as more than `limit` bytes have arrived (issue 17 item 6): an endless
 * body costs at most `limit` bytes of memory, never the whole stream. The caller's AbortSignal (the overall
 * deadline) ends a dripping body: undici destroys the stream and this iteration throws.
 *
 * The bytes come back as slabs of ~1 MiB, joined as they arrive: one copy of a 26 MB body at its end held the
 * event loop for tens of ms (issue 17 item 7), ~1 MiB at a time costs well under a millisecond each. Every slab
 * above 4 KB owns its ArrayBuffer (Buffer.concat allocates it outside Buffer's pool), so a worker thread can
 * take it without a copy.
 */
export async function readCappedSlabs(
  body: AsyncIterable<Buffer | Uint8Array> & { destroy?: (err?: Error) => unknown },
  limit: number,
): Promise<Buffer[]> {
  const slabs: Buffer[] = [];
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > limit) {
      const err = new ResponseTooLargeError(limit);
      body.destroy?.(err);
      throw err;
    }
    pending.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    pendingBytes += chunk.byteLength;
    if (pendingBytes >= SLAB_BYTES) {
      slabs.push(Buffer.concat(pending, pendingBytes));
      pending = [];
      pendingBytes = 0;
    }
  }
  if (pendingBytes > 0 || slabs.length === 0) slabs.push(Buffer.concat(pending, pendingBytes));
  return slabs;
}

/** The slabs of readCappedSlabs as one Buffer (no copy when there is one). */
export function joinSlabs(slabs: readonly Uint8Array[]): Buffer {
  const only = slabs.length === 1 ? slabs[0] : undefined;
  if (only) return Buffer.isBuffer(only) ? only : Buffer.from(only.buffer, only.byteOffset, only.byteLength);
  return Buffer.concat(slabs);
}

/**
 * A short summary of a schema failure: how many issues and the first one, its path and message cut to 200
 * characters. The full list (which for a large wrong-shaped answer runs to hundreds of MB) is for debug logs only.
 */
export function summarizeShapeError(error: z.ZodError): string {
  const issues = error.issues;
  const first = issues[0];
  if (!first) return 'no details';
  const path = first.path.length > 0 ? first.path.map(String).join('.') : '(root)';
  const more = issues.length > 1 ? ` (+${issues.length - 1} more issue${issues.length === 2 ? '' : 's'})` : '';
  return `${path}: ${first.message.slice(0, 200)}${more}`;
}

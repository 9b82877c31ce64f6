import type { z } from 'zod';

/** A response body went past the client's size cap; the stream was destroyed at that point. */
export class ResponseTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`response body larger than ${limit} bytes: cut at the cap`);
    this.name = 'ResponseTooLargeError';
  }
}

/**
 * Reads a response body as UTF-8, failing as soon as more than `limit` bytes have arrived (issue 17 item 6):
 * an endless body costs at most `limit` bytes of memory, never the whole stream. The caller's AbortSignal
 * (the overall deadline) ends a dripping body: undici destroys the stream and this iteration throws.
 */
export async function readCappedBody(
  body: AsyncIterable<Buffer | Uint8Array> & { destroy?: (err?: Error) => unknown },
  limit: number,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > limit) {
      const err = new ResponseTooLargeError(limit);
      body.destroy?.(err);
      throw err;
    }
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  }
  return Buffer.concat(chunks, size).toString('utf8');
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

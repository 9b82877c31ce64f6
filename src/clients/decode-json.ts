import { z } from 'zod';
import { summarizeShapeError } from './upstream-body.js';

/**
 * Why an upstream body could not be decoded, as plain data: it crosses a worker thread boundary (a thread
 * decodes large bodies off the event loop) and becomes the client's coded error back on the caller's side.
 * The texts are raw upstream text, not yet redacted: the client that sent the request redacts them.
 */
export type DecodeFailure =
  | { kind: 'not-json' /** The body's start. */; head: string }
  | {
      kind: 'shape';
      /** Count and first issue (summarizeShapeError). */
      summary: string;
      /** The first issues as JSON, cut to a few KB: for debug logs only. */
      issues: string;
    };

export type Decoded<T> = { ok: true; value: T } | { ok: false; failure: DecodeFailure };

/** Characters of a non-JSON body kept for its error (the error shows 200; room for a secret cut at the edge). */
const HEAD_CHARS = 200 + 512;
/**
 * Issues kept for the debug log: the first 1,000, their JSON cut to ~20 KB. A 50 MB wrong-shaped answer has
 * millions of issues; their full JSON once made a 314 MB log line (issue 17 item 6).
 */
const ISSUES_KEPT = 1_000;
const ISSUES_CHARS = 20_000 + 512;

/** JSON.parse then the schema: the value, or why not. An empty body is `null`, as Nomad's empty answers are. */
export function decodeJson<S extends z.ZodType>(text: string, schema: S): Decoded<z.infer<S>> {
  let json: unknown;
  try {
    json = text.trim() === '' ? null : JSON.parse(text);
  } catch {
    return { ok: false, failure: { kind: 'not-json', head: text.slice(0, HEAD_CHARS) } };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    failure: {
      kind: 'shape',
      summary: summarizeShapeError(parsed.error),
      issues: JSON.stringify(parsed.error.issues.slice(0, ISSUES_KEPT)).slice(0, ISSUES_CHARS),
    },
  };
}

/**
 * `decodeJson(text, z.array(element))` for a large array, handing each element to `visit` as soon as it is
 * validated instead of building the validated copy of the whole array: with the schema's copy of 40,000 job
 * stubs alive next to the parsed ones, each garbage collection during the decode had twice the objects to mark
 * (issue 17 item 7). When an element (or the whole) does not fit, the whole array is checked the usual way so the
 * failure is the same, its path counted from the array's start. `visit` may have seen elements before a failure;
 * the caller drops them when the result is not ok.
 */
export function decodeJsonArray<T>(
  text: string,
  element: z.ZodType<T>,
  visit: (value: T) => void,
): { ok: true } | { ok: false; failure: DecodeFailure } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (Array.isArray(json)) {
    let fits = true;
    for (const item of json) {
      const parsed = element.safeParse(item);
      if (!parsed.success) {
        fits = false;
        break;
      }
      visit(parsed.data);
    }
    if (fits) return { ok: true };
  }
  const whole = decodeJson(text, z.array(element));
  if (whole.ok) throw new Error('decodeJsonArray: the element check refused what the array check accepts');
  return whole;
}

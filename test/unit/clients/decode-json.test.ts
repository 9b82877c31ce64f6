import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { decodeJson, decodeJsonArray } from '../../../src/clients/decode-json.js';
import { jobListSchema, jobListStubSchema } from '../../../src/clients/nomad/types.js';

/** decodeJsonArray's outcome in the shape of decodeJson's, with the elements it handed over. */
function byElement<T>(text: string, element: z.ZodType<T>) {
  const seen: T[] = [];
  const result = decodeJsonArray(text, element, (v) => seen.push(v));
  return result.ok ? { ok: true as const, value: seen } : result;
}

const job = (i: number, extra: Record<string, unknown> = {}) => ({ ID: `svc-${i}`, Status: 'running', ...extra });

describe('decodeJson', () => {
  it('reads an empty body as null and keeps only the start of a body that is not JSON', () => {
    expect(decodeJson('', z.null())).toEqual({ ok: true, value: null });
    const result = decodeJson(`<html>${'x'.repeat(5_000)}`, z.unknown());
    expect(result.ok === false && result.failure.kind === 'not-json' && result.failure.head.length).toBe(712);
  });

  it('summarizes a wrong shape and keeps only the first 1,000 issues, cut to ~20 KB', () => {
    const text = JSON.stringify(Array.from({ length: 5_000 }, () => ({ Status: 1 })));
    const result = decodeJson(text, jobListSchema);
    expect(result.ok).toBe(false);
    if (result.ok || result.failure.kind !== 'shape') return;
    expect(result.failure.summary).toMatch(/^0\.ID: .*\(\+9999 more issues\)$/);
    expect(result.failure.issues.length).toBeLessThanOrEqual(20_512);
  });
});

describe('decodeJsonArray', () => {
  it('hands over each validated element, as the array schema would give them', () => {
    for (const n of [0, 1, 7]) {
      const text = JSON.stringify(Array.from({ length: n }, (_, i) => job(i, { Extra: { kept: i } })));
      expect(byElement(text, jobListStubSchema)).toEqual(decodeJson(text, jobListSchema));
    }
  });

  it('fails as the whole-array decode fails: not JSON, not an array, empty, a BOM', () => {
    const two = `${JSON.stringify(job(1))},${JSON.stringify(job(2))}`;
    for (const text of [
      '',
      '   ',
      'not json',
      `[${two},]`,
      `[${two}`,
      `[${two}] x`,
      `\uFEFF[${two}]`,
      '{"ID": "x"}',
      'null',
    ]) {
      const whole = decodeJson(text, jobListSchema);
      expect(whole.ok, text).toBe(false);
      expect(byElement(text, jobListStubSchema), text).toEqual(whole);
    }
  });

  it('reports a wrong-shaped element with its index and every other issue, as the whole-array decode does', () => {
    const jobs: unknown[] = Array.from({ length: 12 }, (_, i) => job(i));
    jobs[7] = { ID: 7, Status: 'running' };
    jobs[10] = { Status: 'dead' };
    const text = JSON.stringify(jobs);
    const result = byElement(text, jobListStubSchema);
    expect(result).toEqual(decodeJson(text, jobListSchema));
    expect(result.ok === false && result.failure.kind === 'shape' && result.failure.summary).toMatch(
      /^7\.ID: .*\(\+1 more issue\)$/,
    );
  });

  it('agrees with the whole-array decode on any JSON, whole or cut anywhere', () => {
    const element = z.union([z.number(), z.string(), z.looseObject({ ID: z.string() })]);
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.array(fc.jsonValue())), fc.nat(), (value, cut) => {
        const text = JSON.stringify(value);
        expect(byElement(text, element)).toEqual(decodeJson(text, z.array(element)));
        const cutText = text.slice(0, cut % (text.length + 1));
        expect(byElement(cutText, element)).toEqual(decodeJson(cutText, z.array(element)));
      }),
      { numRuns: 300 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { formatElapsed } from '../../../src/report/format-elapsed.js';

describe('formatElapsed', () => {
  it.each([
    [400, '0.4s'],
    [9_950, '9.9s'],
    [12_000, '12s'],
    [65_000, '1m 05s'],
    [7_380_000, '2h 03m'],
    [-5, '0.0s'],
  ])('%d ms -> %s', (ms, text) => {
    expect(formatElapsed(ms)).toBe(text);
  });
});

import { describe, expect, it } from 'vitest';
import { msToNs, nsToMs } from '../../../../src/clients/nomad/durations.js';

describe('nomad durations', () => {
  it('converts int64 nanoseconds to milliseconds and back', () => {
    expect(nsToMs(10_000_000_000)).toBe(10_000);
    expect(msToNs(300_000)).toBe(300_000_000_000);
    expect(nsToMs(msToNs(1.5))).toBe(1.5);
  });
});

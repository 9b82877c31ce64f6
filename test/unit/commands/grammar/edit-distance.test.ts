import { describe, expect, it } from 'vitest';
import { measureEditDistance } from '../../../../src/commands/grammar/edit-distance.js';

describe('measureEditDistance', () => {
  it.each([
    ['deploy', 'deploy', 0],
    ['depoy', 'deploy', 1],
    ['deplyo', 'deploy', 1],
    ['ab', 'ba', 1],
    ['tiemoutMs', 'timeoutMs', 1],
    ['stats', 'status', 1],
    ['', 'abc', 3],
    ['abc', '', 3],
    ['kitten', 'sitting', 3],
  ])('%s → %s = %i (limit 5)', (a, b, expected) => {
    expect(measureEditDistance(a, b, 5)).toBe(expected);
  });

  it('stops at limit + 1', () => {
    expect(measureEditDistance('kitten', 'sitting', 2)).toBe(3);
    expect(measureEditDistance('x'.repeat(2000), 'deploy', 2)).toBe(3);
    expect(measureEditDistance('abcdefgh', 'stuvwxyz', 2)).toBe(3);
  });

  it('counts a swap after a costly row without giving up early', () => {
    expect(measureEditDistance('xbadeploy', 'abdeploy', 2)).toBe(2);
    expect(measureEditDistance('kitten', 'sitting')).toBe(3);
  });
});

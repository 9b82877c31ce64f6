import { describe, expect, it } from 'vitest';
import { suggestClosest } from '../../../src/config/suggest.js';

describe('suggestClosest', () => {
  const keys = ['address', 'region', 'namespace', 'token', 'timeoutMs'];

  it.each([
    ['adress', 'address'],
    ['Address', 'address'],
    ['tiemoutMs', 'timeoutMs'],
    ['timeout', 'timeoutMs'],
    ['nam', undefined],
    ['tokne', 'token'],
    ['zebra', undefined],
  ])('%s -> %s', (word, expected) => {
    expect(suggestClosest(word, keys)).toBe(expected);
  });
});

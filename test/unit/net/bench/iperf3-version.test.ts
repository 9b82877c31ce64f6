import { describe, expect, it } from 'vitest';
import { compareVersions, judgeLossFigures, parseIperf3Version } from '../../../../src/net/bench/iperf3-version.js';

const v = (text: string) => parseIperf3Version(`iperf ${text} (cJSON 1.7.15)`);

describe('iperf3 versions', () => {
  it('reads `iperf3 --version` and a JSON start.version', () => {
    expect(parseIperf3Version('iperf 3.9 (cJSON 1.7.13)\nLinux vm 6.1\n')).toEqual({ text: '3.9', parts: [3, 9] });
    expect(parseIperf3Version('iperf 3.17.1')).toEqual({ text: '3.17.1', parts: [3, 17, 1] });
    expect(parseIperf3Version('iperf version 2.1.9 (14 March 2023) pthreads')).toBeUndefined();
    expect(parseIperf3Version('')).toBeUndefined();
  });

  it('compares numerically', () => {
    expect(compareVersions([3, 9], [3, 12])).toBe(-1);
    expect(compareVersions([3, 14], [3, 14, 0])).toBe(0);
    expect(compareVersions([3, 17, 1], [3, 17])).toBe(1);
  });

  it('trusts UDP loss only from the same version, 3.14 or later, on both ends, and says why otherwise', () => {
    expect(judgeLossFigures(v('3.16'), v('3.16'))).toEqual({ reliable: true });
    expect(judgeLossFigures(v('3.9'), v('3.9'))).toEqual({
      reliable: false,
      reason: 'iperf3 3.9 predates 3.14, which fixed its loss statistics with --omit (esnet/iperf PR #1498)',
    });
    const mixed = judgeLossFigures(v('3.12'), v('3.9'));
    expect(mixed).toMatchObject({ reliable: false });
    expect(mixed.reliable ? '' : mixed.reason).toBe(
      'client iperf3 3.12 and server 3.9 differ, and loss counting differs between versions (esnet/iperf#2055)',
    );
    expect(judgeLossFigures(v('3.16'), v('3.17'))).toMatchObject({ reliable: false });
    expect(judgeLossFigures(undefined, v('3.16'))).toMatchObject({ reliable: false });
  });
});

import { describe, expect, it } from 'vitest';
import { judgePair } from '../../../../src/net/isolation/matrix.js';
import { renderGrid, renderTruthTables, summarizeComparison } from '../../../../src/net/isolation/truth-table.js';
import type { PairResult, Reachability } from '../../../../src/net/isolation/types.js';

const tenantOf = (l: string) => (l.startsWith('a') ? 'default' : 'tenant-b');

function pair(from: string, to: string, observed?: Reachability): PairResult {
  const expected: Reachability = tenantOf(from) === tenantOf(to) ? 'reachable' : 'isolated';
  const obs = observed ?? expected;
  return {
    from,
    to,
    fromTenant: tenantOf(from),
    toTenant: tenantOf(to),
    toIp: '10.32.0.1',
    expected,
    observed: obs,
    verdict: judgePair(expected, obs),
    probes: [],
  };
}

const LABELS = ['a1', 'a2', 'b1', 'b2'];
const allPairs = (override: Record<string, Reachability> = {}) =>
  LABELS.flatMap((f) => LABELS.filter((t) => t !== f).map((t) => pair(f, t, override[`${f}>${t}`])));

describe('truth tables', () => {
  it('renders expected, observed and comparison like the e2e PrettyPrint, rows from and columns to', () => {
    const text = renderTruthTables(LABELS, allPairs({ 'a1>b2': 'reachable', 'b1>a1': 'unknown' }));
    expect(text).toBe(
      [
        'expected:',
        '-   a1 a2 b1 b2',
        'a1     .  X  X',
        'a2  .     X  X',
        'b1  X  X     .',
        'b2  X  X  .',
        '',
        'observed:',
        '-   a1 a2 b1 b2',
        'a1     .  X  .',
        'a2  .     X  X',
        'b1  ?  X     .',
        'b2  X  X  .',
        '',
        'comparison:',
        '-   a1 a2 b1 b2',
        'a1     .  .  X',
        'a2  .     .  .',
        'b1  ?  .     .',
        'b2  .  .  .',
        '',
        'reachability: correct:10, incorrect:1, unknown:1, result=false',
      ].join('\n'),
    );
  });

  it('numbers the columns when labels are long, keeping full row labels', () => {
    const text = renderGrid(
      'observed',
      ['httpbackend/0f1e2d3c', 'a1'],
      [
        ['', '.'],
        ['X', ''],
      ],
    );
    expect(text).toBe(
      ['observed:', '-                       1 2', '1 httpbackend/0f1e2d3c    .', '2 a1                    X'].join(
        '\n',
      ),
    );
  });

  it('reports result=true only when every pair is correct', () => {
    expect(summarizeComparison(allPairs())).toBe('reachability: correct:12, incorrect:0, unknown:0, result=true');
  });
});

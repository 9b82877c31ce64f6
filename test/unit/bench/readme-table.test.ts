import { describe, expect, it } from 'vitest';
import { renderTable, replaceTable, TABLE_END, TABLE_START } from '../../../bench/_readme-table.js';
import { figure } from '../../../bench/_stats.js';

const state = {
  invocation: '2026-12-01T22:00:00.000Z',
  startedAt: '2026-12-01T22:01:00.000Z',
  finishedAt: '2026-12-01T22:02:00.000Z',
  seconds: 60,
  node: 'v20',
  cpus: 2,
  loadBefore: [0.4, 0.5, 0.6] as [number, number, number],
  loadAfter: [1.6, 0.7, 0.6] as [number, number, number],
  maxLoad1: 1,
  overridden: false,
  highLoad: true,
};

describe('bench README table', () => {
  it('writes one row per figure with median, spread, target verdict and the load, flagging high load', () => {
    const table = renderTable({
      'ack-latency': {
        summary: { 'p50 ratio (pooled)': figure([1.2, 1.4, 1.3], { unit: '×', better: 'lower', target: 1.3 }) },
        machineState: state,
      },
    });
    expect(table).toContain(
      '| ack-latency | p50 ratio (pooled) | 1.3 × median | 1.2–1.4 | 3 | ≤ 1.3 met | 0.4 → 1.6 **high** | 2026-12-01 22:01 |',
    );
  });

  it('shows a pooled headline beside the median of rounds and judges the target on it', () => {
    const f = figure([1.2, 1.25, 1.3], { unit: '×', better: 'lower', target: 1.2, pooled: 1.27 });
    expect(f.pass).toBe(false);
    const table = renderTable({ a: { summary: { r: f }, machineState: state } });
    expect(table).toContain('| 1.27 × pooled (median of rounds 1.25) | 1.2–1.3 | 3 | ≤ 1.2 **not met** |');
  });

  it('shows p10–p90 when there are enough samples, and says when a file has no per-round figures', () => {
    const many = Array.from({ length: 20 }, (_, i) => i + 1);
    const table = renderTable({
      a: { summary: { x: figure(many, { unit: 'ms', better: 'lower' }) }, machineState: state },
      old: { date: '2026-11-29T14:20:32.763Z' },
    });
    expect(table).toContain('1–20 (p10–p90 2–18)');
    expect(table).toMatch(/\| old \| \(no per-round figures.*\| not recorded \| 2026-11-29 14:20 \|/);
  });

  it('replaces only the text between the markers and refuses a README without them', () => {
    const readme = `intro\n${TABLE_START}\nold table\n${TABLE_END}\nrest\n`;
    expect(replaceTable(readme, 'NEW')).toBe(`intro\n${TABLE_START}\nNEW\n${TABLE_END}\nrest\n`);
    expect(() => replaceTable('no markers', 'NEW')).toThrow(/markers/);
  });
});

import { describe, expect, it } from 'vitest';
import { describeMachineState, gate } from '../../../bench/_load-gate.js';
import { parseArgs } from '../../../bench/run.js';

describe('bench load gate', () => {
  it('runs on a quiet machine and refuses a busy one, naming the override', () => {
    expect(gate(0.4, 1, false)).toEqual({ run: true });
    const refused = gate(3.2, 1, false);
    expect(refused.run).toBe(false);
    expect(refused.reason).toMatch(/load average 3.2 is above 1.*--allow-load/);
  });

  it('runs a busy machine only when overridden', () => {
    expect(gate(3.2, 1, true)).toEqual({ run: true });
  });

  it('parses names, --allow-load and --max-load', () => {
    expect(parseArgs(['ack-latency', '--allow-load', '--max-load', '2.5', 'cni-accuracy'])).toEqual({
      only: ['ack-latency', 'cni-accuracy'],
      allowLoad: true,
      maxLoad1: 2.5,
    });
    expect(() => parseArgs(['--max-load', 'x'])).toThrow(/positive number/);
  });

  it('records the machine state of a run: an override above the ceiling is flagged, and so is its high load', () => {
    const startedMs = Date.now() - 2_000;
    const busy = describeMachineState({
      invocation: 'i',
      startedMs,
      loadBefore: [1e6, 0, 0],
      maxLoad1: 1e5,
      allowLoad: true,
    });
    expect(busy).toMatchObject({ invocation: 'i', overridden: true, highLoad: true, maxLoad1: 1e5 });
    expect(busy.startedAt).toBe(new Date(startedMs).toISOString());
    expect(busy.seconds).toBeGreaterThanOrEqual(2);
    // A ceiling no machine reaches: neither flag, and the given seconds are kept.
    const quiet = describeMachineState({
      invocation: 'i',
      startedMs,
      loadBefore: [0, 0, 0],
      maxLoad1: 1e6,
      allowLoad: false,
      seconds: 7.5,
    });
    expect(quiet).toMatchObject({ overridden: false, highLoad: false, seconds: 7.5 });
  });
});

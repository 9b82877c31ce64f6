import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { averageUsage, meanUsage, parseProcSample } from '../../../../src/net/bench/proc-usage.js';

const reading = (cpu: number[], memTotalKb: number, memAvailableKb: number) =>
  `cpu  ${cpu.join(' ')} 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\nintr 1\nMemTotal:       ${memTotalKb} kB\nMemFree:   1 kB\nMemAvailable:   ${memAvailableKb} kB\n`;

describe('parseProcSample', () => {
  it('counts user+nice+system+iowait+steal as busy (knb) and MemTotal − MemAvailable as used', () => {
    // user nice system idle iowait irq softirq steal
    const s = parseProcSample(reading([100, 10, 50, 800, 20, 5, 5, 10], 8_192_000, 6_144_000), 1000);
    expect(s).toEqual({ atMs: 1000, busyJiffies: 190, totalJiffies: 1000, memUsedMB: 2000 });
  });

  it('parses this machine’s /proc/stat and /proc/meminfo', () => {
    const text = `${readFileSync('/proc/stat', 'utf8')}${readFileSync('/proc/meminfo', 'utf8')}`;
    const s = parseProcSample(text, 0);
    expect(s?.totalJiffies).toBeGreaterThan(0);
    expect(s?.memUsedMB).toBeGreaterThan(0);
  });

  it('rejects text without the counters', () => {
    expect(parseProcSample('cpu 1 2\n', 0)).toBeUndefined();
  });
});

describe('averageUsage', () => {
  it('averages CPU over the whole window from counter deltas, in permil', () => {
    const a = parseProcSample(reading([100, 0, 0, 900, 0, 0, 0, 0], 4096, 2048), 0);
    const b = parseProcSample(reading([150, 0, 50, 1800, 0, 0, 0, 0], 4096, 1024), 1000);
    const c = parseProcSample(reading([450, 0, 50, 2500, 0, 0, 0, 0], 4096, 1024), 2000);
    // busy grew 400 of 2000 jiffies: 200 permil; RAM mean of 2, 3, 3 MB.
    expect(averageUsage([c!, a!, b!])).toEqual({ cpuPermil: 200, ramMB: 3 });
  });

  it('needs two readings', () => {
    expect(averageUsage([parseProcSample(reading([1, 0, 0, 1, 0, 0, 0, 0], 2048, 1024), 0)!])).toBeUndefined();
  });

  it('sees a busy CPU on this machine', () => {
    const read = () =>
      parseProcSample(`${readFileSync('/proc/stat', 'utf8')}${readFileSync('/proc/meminfo', 'utf8')}`, Date.now())!;
    const before = read();
    const until = Date.now() + 300;
    let x = 0;
    while (Date.now() < until) x += Math.sqrt(x + 1);
    const after = read();
    expect(x).toBeGreaterThan(0);
    expect(averageUsage([before, after])?.cpuPermil).toBeGreaterThan(0);
  });
});

describe('meanUsage', () => {
  it('ignores missing usages', () => {
    expect(meanUsage([{ cpuPermil: 100, ramMB: 10 }, undefined, { cpuPermil: 201, ramMB: 21 }])).toEqual({
      cpuPermil: 151,
      ramMB: 16,
    });
    expect(meanUsage([undefined])).toBeUndefined();
  });
});

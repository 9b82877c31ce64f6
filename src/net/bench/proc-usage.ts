import type { HostUsage } from './bench-types.js';

/** One reading of a host's `/proc/stat` + `/proc/meminfo`. */
export interface ProcSample {
  atMs: number;
  /** Jiffies counted as busy the way knb does (sar's %user+%nice+%system+%iowait+%steal). */
  busyJiffies: number;
  totalJiffies: number;
  memUsedMB: number;
}

/**
 * Parses `cat /proc/stat /proc/meminfo`. The aggregate `cpu` line is `user nice system idle iowait irq softirq
 * steal guest guest_nice`; guest time is already inside user, so it is not added again. Memory used is
 * MemTotal − MemAvailable (what `free` reports as used since procps 3.3.10).
 */
export function parseProcSample(text: string, atMs: number): ProcSample | undefined {
  const cpu = /^cpu\s+(.+)$/m.exec(text)?.[1]?.trim().split(/\s+/).map(Number);
  const memTotal = /^MemTotal:\s+(\d+)\s+kB/m.exec(text)?.[1];
  const memAvailable = /^MemAvailable:\s+(\d+)\s+kB/m.exec(text)?.[1];
  if (!cpu || cpu.length < 8 || cpu.some((n) => !Number.isFinite(n)) || !memTotal || !memAvailable) return undefined;
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = cpu;
  return {
    atMs,
    busyJiffies: user + nice + system + iowait + steal,
    totalJiffies: user + nice + system + idle + iowait + irq + softirq + steal,
    memUsedMB: (Number(memTotal) - Number(memAvailable)) / 1024,
  };
}

/**
 * Average use over the window the samples span (oldest to newest): CPU from the counter deltas, so it equals
 * the mean of the per-second figures weighted by time; memory as the mean of the readings. Needs ≥ 2 samples.
 */
export function averageUsage(samples: readonly ProcSample[]): HostUsage | undefined {
  if (samples.length < 2) return undefined;
  const sorted = [...samples].sort((a, b) => a.atMs - b.atMs);
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (!first || !last) return undefined;
  const total = last.totalJiffies - first.totalJiffies;
  const busy = last.busyJiffies - first.busyJiffies;
  if (total <= 0) return undefined;
  const ramMB = sorted.reduce((a, s) => a + s.memUsedMB, 0) / sorted.length;
  return { cpuPermil: Math.round((busy / total) * 1000), ramMB: Math.round(ramMB) };
}

/** Mean of several usages (e.g. over repeats); undefined for none. */
export function meanUsage(usages: ReadonlyArray<HostUsage | undefined>): HostUsage | undefined {
  const known = usages.filter((u): u is HostUsage => u !== undefined);
  if (known.length === 0) return undefined;
  return {
    cpuPermil: Math.round(known.reduce((a, u) => a + u.cpuPermil, 0) / known.length),
    ramMB: Math.round(known.reduce((a, u) => a + u.ramMB, 0) / known.length),
  };
}

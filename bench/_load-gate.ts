import { cpus, loadavg } from 'node:os';

// A benchmark taken while other work runs measures that work as much as the code. `npm run bench` checks the
// load average before each benchmark and refuses to run on a busy machine unless told to go on; then every
// result carries the load before and after and a `highLoad` flag, so such a figure is never mistaken for a
// quiet-machine one.

/** Default ceiling for the 1-minute load average: half the cores (1.0 on the 2-core CI-like machine). */
export function defaultMaxLoad(): number {
  return cpus().length * 0.5;
}

/** The load averages (1, 5, 15 min), rounded. */
export function currentLoad(): [number, number, number] {
  const [a = 0, b = 0, c = 0] = loadavg();
  return [Math.round(a * 100) / 100, Math.round(b * 100) / 100, Math.round(c * 100) / 100];
}

/** What the runner records beside each result. */
export interface MachineState {
  invocation: string;
  startedAt: string;
  finishedAt: string;
  seconds: number;
  node: string;
  cpus: number;
  loadBefore: [number, number, number];
  loadAfter: [number, number, number];
  maxLoad1: number;
  /** The run was started with --allow-load although the load was above maxLoad1. */
  overridden: boolean;
  /** The 1-minute load was above maxLoad1 before or after this benchmark: the figures are not quiet-machine ones. */
  highLoad: boolean;
}

/** Decision before one benchmark: run, or refuse with the reason. */
export function gate(load1: number, maxLoad1: number, allowLoad: boolean): { run: boolean; reason?: string } {
  if (load1 <= maxLoad1 || allowLoad) return { run: true };
  return {
    run: false,
    reason: `load average ${load1} is above ${maxLoad1} (other work is running); wait, or pass --allow-load to run anyway (the result is then flagged highLoad)`,
  };
}

/**
 * The machine state of one measured stretch, from its start, its load before and the gate's settings; the load
 * after and the finish are read now. `seconds` defaults to the wall time since `startedMs`.
 */
export function describeMachineState(run: {
  invocation: string;
  startedMs: number;
  loadBefore: [number, number, number];
  maxLoad1: number;
  allowLoad: boolean;
  seconds?: number;
}): MachineState {
  const loadAfter = currentLoad();
  const finishedMs = Date.now();
  return {
    invocation: run.invocation,
    startedAt: new Date(run.startedMs).toISOString(),
    finishedAt: new Date(finishedMs).toISOString(),
    seconds: run.seconds ?? Math.round((finishedMs - run.startedMs) / 100) / 10,
    node: process.version,
    cpus: cpus().length,
    loadBefore: run.loadBefore,
    loadAfter,
    maxLoad1: run.maxLoad1,
    overridden: run.allowLoad && run.loadBefore[0] > run.maxLoad1,
    highLoad: run.loadBefore[0] > run.maxLoad1 || loadAfter[0] > run.maxLoad1,
  };
}

import type { DeployPhase } from '../../report/deploy-report.js';

/**
 * Times the phases of one /deploy: each `mark` closes the phase that ran since the previous mark (or since the
 * clock was made), so the phases add up to the whole run with nothing counted twice.
 */
export function createPhaseClock(now: () => number = () => performance.now()) {
  let last = now();
  const phases: DeployPhase[] = [];
  return {
    mark(phase: DeployPhase['phase']): void {
      const at = now();
      phases.push({ phase, ms: Math.round(at - last) });
      last = at;
    },
    /** The phases marked so far, oldest first. */
    phases: (): DeployPhase[] => [...phases],
  };
}

export type PhaseClock = ReturnType<typeof createPhaseClock>;

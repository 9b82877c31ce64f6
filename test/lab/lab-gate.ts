import { it } from 'vitest';
import type { LabSupport } from './lab-support.js';

// Kept apart from lab-support.ts because it imports vitest: the demo and the lab CLI use lab-support outside
// a test run.

/** What a lab suite does on this machine: run, be reported as skipped, or fail (CI must not go green without it). */
export type LabSuiteDecision = 'run' | 'skip' | 'fail';

/** Env variable that `.ci/run` sets: under it a lab suite that cannot run fails instead of being skipped. */
export const REQUIRE_LAB_ENV = 'NETOPS_REQUIRE_LAB';

/** Decides from the support probe and the environment; pure, so it is unit-tested with fake probes. */
export function decideLabSuite(support: LabSupport, env: NodeJS.ProcessEnv = process.env): LabSuiteDecision {
  if (support.supported) return 'run';
  const required = env[REQUIRE_LAB_ENV];
  return required !== undefined && required !== '' && required !== '0' ? 'fail' : 'skip';
}

/**
 * Call at the top of a lab test file; returns true when the suite must not run (use with `describe.skipIf`).
 * Without the lab a skip is logged with the reason; under NETOPS_REQUIRE_LAB=1 a failing test is registered
 * in its place, so the file fails with the reason instead of passing silently.
 */
export function gateLabSuite(
  support: LabSupport,
  suite: string,
  env: NodeJS.ProcessEnv = process.env,
  register: (name: string, fn: () => void) => void = it,
): boolean {
  const decision = decideLabSuite(support, env);
  if (decision === 'skip') console.warn(`[lab] skipping ${suite}: ${support.reason}`);
  if (decision === 'fail') {
    register(`${suite}: the lab must run here (${REQUIRE_LAB_ENV} is set)`, () => {
      throw new Error(`${suite} cannot run: ${support.reason} (${REQUIRE_LAB_ENV}=${env[REQUIRE_LAB_ENV]})`);
    });
  }
  return decision !== 'run';
}

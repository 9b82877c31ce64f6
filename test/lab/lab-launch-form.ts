import { expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { getLabStatus } from './lab-status.js';
import { CONFIG_PATH, LAB_TENANTS, type WeaveLaunch } from './topology.js';

/**
 * What the lab's Weave launch form means for a suite's expectations (labWeaveLaunch() in lab-support.ts picks
 * the form). The bot config is the article's in both forms; under `default` (range 10.32.0.0/12, default subnet
 * = range) tenant-b's 10.32.1.0/24 overlaps Weave's default subnet, so the bot refuses tenant-b writes before
 * anything changes, with the relaunch fix; the default tenant is accepted in both forms.
 */
export type LabTenant = (typeof LAB_TENANTS)[number];

const [DEFAULT_TENANT, TENANT_B] = LAB_TENANTS;

/** The relaunch the bot names as the fix under the default launch (src/net/weave-launch.ts). */
export const WEAVE_RELAUNCH_FIX = 'weave launch --ipalloc-range 10.32.0.0/16 --ipalloc-default-subnet 10.32.0.0/24';

/**
 * The tenant a suite deploys when its point is not tenancy itself (a fault, a Consul default, an approval): tenant-b
 * where the launch isolates it, else the default tenant, which both forms accept. Suites that use it also assert
 * tenant-b's refusal under the default form (expectTenantBRefused), so nothing form-dependent passes unseen.
 */
export function deployTenantFor(launch: 'multi-tenant' | 'default'): LabTenant {
  return launch === 'multi-tenant' ? TENANT_B : DEFAULT_TENANT;
}

/**
 * Asserts the bot's refusal of a tenant-b write under the default launch: exit 1, the error names the mismatch and
 * the fix, and Nomad has no such job (refused before any write).
 */
export async function expectTenantBRefused(
  res: { code: number | null; stdout: string; stderr: string; json: Record<string, unknown> | undefined },
  job = 'httpbackend',
): Promise<void> {
  expect(res.code, res.stderr + res.stdout).toBe(1);
  const error = String(res.json?.error);
  expect(error).toContain(`Nothing was changed: tenant ${TENANT_B.name} does not match how Weave was launched`);
  expect(error).toContain(`tenant ${TENANT_B.name}'s subnet ${TENANT_B.subnet} overlaps Weave's default subnet`);
  expect(error).toContain(WEAVE_RELAUNCH_FIX);
  const { nomadAddress } = await getLabStatus();
  const answer = await fetch(`${nomadAddress}/v1/job/${job}-${TENANT_B.name}`);
  expect(answer.status).toBe(404);
}

/**
 * The test a suite that deploys through the one-shot CLI adds for the default launch: a one-instance tenant-b
 * deploy is refused before any write (expectTenantBRefused). Registers nothing under the multi-tenant launch.
 */
export function itRefusesTenantBUnderDefaultLaunch(launch: WeaveLaunch): void {
  it.runIf(launch === 'default')(
    'under the default Weave launch, tenant-b is refused before any write',
    async () => {
      const res = await runCli(['/deploy httpbackend subnet=tenant-b count=1', '--json', '--config', CONFIG_PATH]);
      await expectTenantBRefused(res);
    },
    120_000,
  );
}

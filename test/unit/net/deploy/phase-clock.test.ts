import { describe, expect, it } from 'vitest';
import { startDeployResult } from '../../../../src/net/deploy/deploy-result.js';
import { createPhaseClock } from '../../../../src/net/deploy/phase-clock.js';
import { buildDeployReport } from '../../../../src/report/deploy-report.js';

describe('deploy phase clock', () => {
  it('each mark closes the phase since the previous one, so the phases add up to the run', () => {
    let t = 1000;
    const clock = createPhaseClock(() => t);
    t += 1200.4;
    clock.mark('plan');
    t += 80;
    clock.mark('register');
    t += 15_000;
    clock.mark('nomad');
    expect(clock.phases()).toEqual([
      { phase: 'plan', ms: 1200 },
      { phase: 'register', ms: 80 },
      { phase: 'nomad', ms: 15_000 },
    ]);
  });

  it('the deploy report says where the time went, in its thread and its JSON', () => {
    const report = buildDeployReport({
      ...startDeployResult('httpbackend', 'httpbackend-tenant-b', 'tenant-b', '10.32.1.0/24'),
      ok: true,
      phases: [
        { phase: 'plan', ms: 1240 },
        { phase: 'nomad', ms: 15_010 },
        { phase: 'dns', ms: 30 },
      ],
    });
    expect(report.phases).toEqual([
      { phase: 'plan', ms: 1240 },
      { phase: 'nomad', ms: 15_010 },
      { phase: 'dns', ms: 30 },
    ]);
    const texts = (report.thread ?? []).flatMap((b) => (b.kind === 'text' ? [b.text] : []));
    expect(texts).toContain('Took 16s300ms: plan 1s200ms · Nomad deployment 15s · DNS check 0s');
  });
});

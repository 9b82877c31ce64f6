import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../../../../src/net/isolation/types.js';
import { planProbes } from '../../../../src/workers/processors/isolation-check.js';

const ep = (label: string, servicePort?: number): Endpoint => ({
  label,
  workload: label,
  host: 'u1',
  container: label,
  ip: '10.32.0.1',
  tenant: 'default',
  via: 'container',
  ...(servicePort ? { servicePort } : {}),
});

describe('planProbes', () => {
  it('probes ICMP and TCP to the given ports', () => {
    const plan = planProbes({ ports: [80, 8080], protos: ['icmp', 'tcp'] }, [ep('a1'), ep('b1')]);
    expect(plan.probesFor(ep('b1'))).toEqual([
      { proto: 'icmp', port: null },
      { proto: 'tcp', port: 80 },
      { proto: 'tcp', port: 8080 },
    ]);
    expect(plan.icmpOnlyNote).toBeNull();
  });

  it("uses a target's known service port when none is given", () => {
    const plan = planProbes({ ports: [], protos: ['icmp', 'tcp'] }, [ep('web', 8081), ep('a1')]);
    expect(plan.probesFor(ep('web', 8081))).toEqual([
      { proto: 'icmp', port: null },
      { proto: 'tcp', port: 8081 },
    ]);
  });

  it('falls back to ICMP only without a port, and says so', () => {
    const plan = planProbes({ ports: [], protos: ['icmp', 'tcp'] }, [ep('a1'), ep('b1')]);
    expect(plan.probesFor(ep('b1'))).toEqual([{ proto: 'icmp', port: null }]);
    expect(plan.icmpOnlyNote).toBe(
      'No port given and none known for a1, b1: probed with ICMP only (give port=N to test TCP/UDP)',
    );
    const tcpOnly = planProbes({ ports: [], protos: ['tcp'] }, [ep('a1')]);
    expect(tcpOnly.probesFor(ep('a1'))).toEqual([{ proto: 'icmp', port: null }]);
    expect(tcpOnly.icmpOnlyNote).toMatch(/probed with ICMP instead/);
  });

  it('leaves ICMP out when only ports are asked and known', () => {
    const plan = planProbes({ ports: [53], protos: ['udp'] }, [ep('a1')]);
    expect(plan.probesFor(ep('a1'))).toEqual([{ proto: 'udp', port: 53 }]);
  });
});

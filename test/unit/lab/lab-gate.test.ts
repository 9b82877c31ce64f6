import { describe, expect, it } from 'vitest';
import { decideLabSuite, gateLabSuite, REQUIRE_LAB_ENV } from '../../lab/lab-gate.js';

const missing = { supported: false, reason: 'lab needs root (network namespaces, veth, sshd)' };
const present = { supported: true, reason: '' };

describe('lab suite gate (NETOPS_REQUIRE_LAB)', () => {
  it('runs wherever the lab is supported, whatever the environment says', () => {
    expect(decideLabSuite(present, {})).toBe('run');
    expect(decideLabSuite(present, { [REQUIRE_LAB_ENV]: '1' })).toBe('run');
  });

  it('skips without the lab only when the lab is not required', () => {
    expect(decideLabSuite(missing, {})).toBe('skip');
    expect(decideLabSuite(missing, { [REQUIRE_LAB_ENV]: '' })).toBe('skip');
    expect(decideLabSuite(missing, { [REQUIRE_LAB_ENV]: '0' })).toBe('skip');
    expect(decideLabSuite(missing, { [REQUIRE_LAB_ENV]: '1' })).toBe('fail');
    expect(decideLabSuite(missing, { [REQUIRE_LAB_ENV]: 'true' })).toBe('fail');
  });

  it('registers a failing test carrying the reason when the lab is required but missing', () => {
    const registered: Array<{ name: string; fn: () => void }> = [];
    const skip = gateLabSuite(missing, 'deploy e2e', { [REQUIRE_LAB_ENV]: '1' }, (name, fn) =>
      registered.push({ name, fn }),
    );
    expect(skip).toBe(true);
    expect(registered).toHaveLength(1);
    expect(registered[0]?.name).toBe('deploy e2e: the lab must run here (NETOPS_REQUIRE_LAB is set)');
    expect(() => registered[0]?.fn()).toThrow(/deploy e2e cannot run: lab needs root/);
  });

  it('registers nothing when it skips or runs', () => {
    const registered: string[] = [];
    expect(gateLabSuite(missing, 'x', {}, (name) => registered.push(name))).toBe(true);
    expect(gateLabSuite(present, 'x', { [REQUIRE_LAB_ENV]: '1' }, (name) => registered.push(name))).toBe(false);
    expect(registered).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { NOMAD_PROFILES, selectNomadProfile } from '../../../lab/nomad/version-profiles.js';

describe('Nomad version profiles of the lab', () => {
  it('profiles 0.9.7, 1.11.1 and 2.0.6, oldest first, the current one by default', () => {
    expect(NOMAD_PROFILES.map((p) => p.version)).toEqual(['0.9.7', '1.11.1', '2.0.6']);
    expect(selectNomadProfile().version).toBe('2.0.6');
  });

  it('maps a release between profiles to the nearest lower one and reports the release asked for', () => {
    const between = selectNomadProfile('1.5.3');
    expect(between.version).toBe('0.9.7');
    expect(between.reported).toBe('1.5.3');
    expect(between.versionInfo.Version).toBe('1.5.3');
    expect(selectNomadProfile('v1.11.2').version).toBe('1.11.1');
    expect(selectNomadProfile('2.1.0').version).toBe('2.0.6');
  });

  it('refuses a release below the oldest profile, an unknown major and junk', () => {
    expect(() => selectNomadProfile('0.8.7')).toThrow(/no lab profile for Nomad 0\.8\.7: supported 0\.9\.7 to 2\.x/);
    expect(() => selectNomadProfile('3.0.0')).toThrow(/no lab profile for Nomad 3\.0\.0/);
    expect(() => selectNomadProfile('latest')).toThrow(/--nomad-version must look like 1\.11\.1/);
  });

  it('keeps the behaviours the bot depends on as per-release data', () => {
    const [v097, v1111, v206] = NOMAD_PROFILES;
    expect([v097?.unchangedRegisterIndex, v1111?.unchangedRegisterIndex, v206?.unchangedRegisterIndex]).toEqual([
      'JobModifyIndex',
      'JobModifyIndex',
      'ModifyIndex',
    ]);
    expect(NOMAD_PROFILES.map((p) => p.allocIdLabel)).toEqual([false, true, true]);
    expect(NOMAD_PROFILES.map((p) => p.parser)).toEqual(['hcl1', 'hcl2', 'hcl2']);
    expect(NOMAD_PROFILES.map((p) => p.deregisterUnknown)).toEqual(['eval', 'empty', 'empty']);
    expect(NOMAD_PROFILES.map((p) => p.statuses.allocClient.includes('unknown'))).toEqual([false, true, true]);
    expect(NOMAD_PROFILES.map((p) => p.fields.nodeStub.includes('NodePool'))).toEqual([false, true, true]);
  });
});

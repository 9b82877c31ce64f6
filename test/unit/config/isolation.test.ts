import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/index.js';
import { baseEnv, type ConfigFixture, catchConfigError, createConfigFixture } from './config-fixture.js';

describe('config isolation section', () => {
  let fx: ConfigFixture;
  beforeAll(() => {
    fx = createConfigFixture();
  });
  afterAll(() => fx.remove());

  const load = (doc: Record<string, unknown>) => loadConfig(baseEnv(), { path: fx.writeConfig(doc) });

  it('defaults to no allowed tenant pairs when the section is missing', () => {
    expect(load(fx.baseDoc()).isolation).toEqual({ allow: [] });
  });

  it('keeps allowed pairs in order, directed as written', () => {
    const doc = { ...fx.baseDoc(), isolation: { allow: [{ from: 'default', to: 'tenant-b' }] } };
    expect(load(doc).isolation.allow).toEqual([{ from: 'default', to: 'tenant-b' }]);
  });

  it('names every rule side that refers to an unknown tenant, with the known ones', () => {
    const doc = {
      ...fx.baseDoc(),
      isolation: {
        allow: [
          { from: 'default', to: 'tenant-c' },
          { from: 'nobody', to: 'tenant-b' },
        ],
      },
    };
    const problems = catchConfigError(() => load(doc)).problems;
    expect(problems).toEqual([
      'isolation.allow[0].to: no tenant named "tenant-c" — use one of: default, tenant-b',
      'isolation.allow[1].from: no tenant named "nobody" — use one of: default, tenant-b',
    ]);
  });

  it('rejects unknown keys and malformed rules', () => {
    const doc = { ...fx.baseDoc(), isolation: { allow: [{ from: 'default' }], deny: [] } };
    const problems = catchConfigError(() => load(doc)).problems.join('\n');
    expect(problems).toMatch(/isolation\.allow\[0\]\.to/);
    expect(problems).toMatch(/isolation.*deny/);
  });
});

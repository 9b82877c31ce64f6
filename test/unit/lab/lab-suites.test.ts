import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import config from '../../../vitest.config.js';
import { findLabSuites, reachesLab } from '../../lab/lab-suites.js';

const repo = resolve(import.meta.dirname, '../../..');
const tmp = mkdtempSync(join(tmpdir(), 'lab-suites-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function write(path: string, text: string): void {
  mkdirSync(dirname(join(tmp, path)), { recursive: true });
  writeFileSync(join(tmp, path), text);
}

describe('lab suites', () => {
  it('finds suites that reach the lab through a helper, not only directly', () => {
    write('test/lab/lab-support.ts', 'export const x = 1;\n');
    write('test/e2e/suite.ts', "import { x } from '../lab/lab-support.js';\nexport const y = x;\n");
    write('test/e2e/via-helper.test.ts', "import { y } from './suite.js';\n");
    write('test/e2e/direct.test.ts', "import { x } from '../lab/lab-support.js';\n");
    write('test/unit/types-only.test.ts', "import type { X } from '../lab/lab-support.js';\n");
    write('test/unit/plain.test.ts', "import { readFileSync } from 'node:fs';\n");
    expect(findLabSuites(tmp)).toEqual(['test/e2e/direct.test.ts', 'test/e2e/via-helper.test.ts']);
  });

  it('classifies this repository: /deploy suites and lab faults are lab suites, emulator unit tests are not', () => {
    const suites = findLabSuites(repo);
    expect(suites).toContain('test/e2e/deploy/deploy-nomad-2.0.6.test.ts');
    expect(suites).toContain('test/faults/deploy-restart.test.ts');
    expect(suites).toContain('test/e2e/lab/lab-lifecycle.test.ts');
    expect(suites).not.toContain('test/unit/lab/lab-gate.test.ts');
    expect(suites).not.toContain('test/unit/lab/nomad/blocking-query.test.ts');
    expect(reachesLab(join(repo, 'test/faults/redis-outage.test.ts'), repo)).toBe(false);
    // Every e2e or fault file that gates itself on the lab is found, whatever helper it goes through.
    const gated = (readdirSync(join(repo, 'test'), { recursive: true }) as string[])
      .map((f) => `test/${f}`)
      .filter((f) => /^test\/(e2e|faults)\/.*\.test\.ts$/.test(f))
      .filter((f) => readFileSync(join(repo, f), 'utf8').includes('gateLabSuite'));
    expect(gated.length).toBeGreaterThan(10);
    for (const f of gated) expect(suites).toContain(f);
  });

  it('vitest runs the lab suites in one thread, one file at a time, and no lab suite in the parallel project', () => {
    const projects = (config.test?.projects ?? []) as { test: Record<string, unknown> }[];
    const lab = projects.find((p) => p.test.name === 'lab')?.test;
    const unit = projects.find((p) => p.test.name === 'unit')?.test;
    const suites = findLabSuites(repo);
    expect(lab?.include).toEqual(suites);
    expect(lab?.pool).toBe('threads');
    expect(lab?.poolOptions).toEqual({ threads: { singleThread: true, isolate: true } });
    expect(unit?.exclude).toEqual(expect.arrayContaining(suites));
    expect(unit?.pool).not.toBe(lab?.pool);
  });
});

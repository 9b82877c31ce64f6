import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

// Which test files need the lab. vitest.config.ts runs these one at a time (the lab has fixed namespace names,
// addresses and ports, and one lock) while every other file runs in parallel. Found by following imports rather
// than by a hand-kept list, so a new lab suite cannot end up in the parallel project by being forgotten.

/** Modules that bring the lab up or probe for it: a test file whose imports reach one of these is a lab suite. */
const LAB_ENTRY_MODULES = ['test/lab/lab-support.ts', 'test/lab/lab-up.ts'];

const IMPORT_RE =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

/** Relative imports of a TypeScript source, resolved to absolute `.ts` paths that exist (type-only ones skipped). */
function localImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT_RE)) {
    if (/^\s*(?:import|export)\s+type\s/.test(m[0].trimStart())) continue;
    const spec = m[1] ?? m[2];
    if (spec === undefined) continue;
    const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
    if (existsSync(target)) out.push(target);
  }
  return out;
}

/** True when `file`'s relative-import closure reaches one of the lab entry modules. */
export function reachesLab(file: string, root: string, seen = new Set<string>()): boolean {
  const entries = new Set(LAB_ENTRY_MODULES.map((m) => resolve(root, m)));
  const stack = [resolve(file)];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    if (entries.has(next)) return true;
    stack.push(...localImports(next));
  }
  return false;
}

function listTestFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listTestFiles(path));
    else if (entry.name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

/** Every `*.test.ts` under `root/test` that is a lab suite, as paths relative to root, sorted. */
export function findLabSuites(root: string): string[] {
  return listTestFiles(join(root, 'test'))
    .filter((f) => reachesLab(f, root))
    .map((f) => relative(root, f))
    .sort();
}

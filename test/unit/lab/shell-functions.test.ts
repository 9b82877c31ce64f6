import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '../../../test/lab/bin');
/** The lab's bash files: everything in bin/ but the jq module. */
const SCRIPTS = readdirSync(BIN).filter((f) => !f.endsWith('.jq') && !f.startsWith('.'));

/** Top-level functions (`name() {` … `}` at column 0) and their length in lines. */
function functionLengths(text: string): Array<{ name: string; lines: number }> {
  const out: Array<{ name: string; lines: number }> = [];
  let open: { name: string; start: number } | undefined;
  text.split('\n').forEach((line, i) => {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\(\)\s*\{/.exec(line);
    if (m && !line.trimEnd().endsWith('}')) open = { name: m[1]!, start: i };
    else if (open && line === '}') {
      out.push({ name: open.name, lines: i - open.start + 1 });
      open = undefined;
    }
  });
  return out;
}

describe("the lab's bash (issue 16: small functions; shellcheck runs in npm run lint)", () => {
  it('finds the scripts and their functions', () => {
    expect(SCRIPTS).toEqual(expect.arrayContaining(['docker', 'weave', 'lab-lib.sh']));
    expect(functionLengths(readFileSync(join(BIN, 'docker'), 'utf8')).length).toBeGreaterThan(10);
  });

  it.each(SCRIPTS)('%s has no function over 60 lines', (file) => {
    const long = functionLengths(readFileSync(join(BIN, file), 'utf8')).filter((f) => f.lines > 60);
    expect(long).toEqual([]);
  });
});

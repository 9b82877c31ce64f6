import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/errors.js';

// The catalogue lives with the config work because docs/errors.md is written there; it checks src/errors.ts.
const catalogue = readFileSync(resolve(import.meta.dirname, '../../../docs/errors.md'), 'utf8');

describe('docs/errors.md', () => {
  const rows = catalogue.split('\n').filter((line) => /^\| `netops_/.test(line));

  it('lists every ErrorCode exactly once, with its enum name', () => {
    const listed = rows.map((row) => row.split('|')[1]!.trim().replaceAll('`', ''));
    expect([...listed].sort()).toEqual(Object.values(ErrorCode).sort());
    for (const [name, code] of Object.entries(ErrorCode)) {
      expect(rows.find((row) => row.includes(`\`${code}\``))).toContain(`\`${name}\``);
    }
  });

  it('says for every code whether it is user-safe', () => {
    for (const row of rows) expect(row).toMatch(/\| (Always|When set|Never)\b/);
  });
});

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderConsole } from '../../../../src/chat/render/render-console.js';
import { renderSlackMessage, renderSlackThread } from '../../../../src/chat/render/render-slack.js';
import { renderCases } from './render-cases.js';

const goldenDir = join(dirname(fileURLToPath(import.meta.url)), '../../../fixtures/render');
const updateGolden = process.env.UPDATE_GOLDEN === '1';

/** Compares with the committed golden file; writes it only when missing and UPDATE_GOLDEN=1 is set. */
function expectGolden(file: string, actual: string): void {
  const path = join(goldenDir, file);
  if (!existsSync(path)) {
    if (!updateGolden) throw new Error(`golden file ${file} is missing; run with UPDATE_GOLDEN=1 once to write it`);
    mkdirSync(goldenDir, { recursive: true });
    writeFileSync(path, actual);
  }
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe.each(renderCases)('golden: $name', (c) => {
  it('renders the Slack message and thread as committed', () => {
    const message = renderSlackMessage(c.status, c.report, { nowMs: c.nowMs });
    const thread = c.report ? renderSlackThread(c.report) : [];
    expectGolden(`${c.name}.golden.json`, `${JSON.stringify({ message, thread }, null, 2)}\n`);
  });

  it('renders the console text as committed', () => {
    expectGolden(`${c.name}.golden.txt`, renderConsole(c.status, c.report, { nowMs: c.nowMs }));
  });
});

import { describe, expect, it } from 'vitest';
import { renderConsole, renderConsoleReport } from '../../../../src/chat/render/render-console.js';
import type { Report, StatusView } from '../../../../src/report/model.js';

const status: StatusView = {
  jobId: 'j1',
  state: 'failed',
  commandText: '/isolation-check a1 b1',
  userId: 'U1',
  startedAt: 0,
  finishedAt: 2_000,
};

const report: Report = {
  command: 'isolation-check',
  ok: false,
  title: 'leak',
  blocks: [
    { kind: 'alert', level: 'danger', text: 'leak *found*\nsecond line' },
    { kind: 'table', columns: ['from', 'to'], rows: [['a1', 'b1']], caption: 'probes' },
    { kind: 'image', path: '/tmp/c.png', title: 'chart', altText: 'c' },
  ],
  thread: [{ kind: 'text', text: 'probe log' }],
  files: [
    { path: '/tmp/c.png', title: 'chart' },
    { path: '/tmp/d.png', title: 'other' },
  ],
};

describe('renderConsole', () => {
  it('renders alerts with !!, tables with a rule, the thread under Details and every file once', () => {
    expect(renderConsole(status, report)).toBe(
      [
        '/isolation-check a1 b1 by U1',
        'Failed · 2.0s',
        '',
        '!! danger: leak found',
        '   second line',
        '',
        'from  to',
        '----  --',
        'a1    b1',
        'probes',
        '',
        'chart: /tmp/c.png (chart)',
        '',
        'Details',
        '=======',
        'probe log',
        '',
        'chart: /tmp/d.png',
        '',
      ].join('\n'),
    );
  });

  it('uses no colour by default and ANSI colour when asked', () => {
    expect(renderConsole(status, report)).not.toContain('\x1b[');
    const colored = renderConsole(status, report, { color: true });
    expect(colored).toContain('\x1b[31mFailed\x1b[39m');
    expect(colored).toContain('leak \x1b[1mfound\x1b[22m');
  });

  it('does not let user text send terminal escape sequences', () => {
    const out = renderConsole({ ...status, commandText: '/x \x1b[2J\x1b]0;pwned\x07', errorText: 'e\x1b[31m' });
    expect(out).not.toContain('\x1b');
    expect(out).not.toContain('\x07');
  });
});

describe('renderConsoleReport', () => {
  it('renders a report without a status header', () => {
    const help: Report = {
      command: 'help',
      ok: true,
      title: 'help',
      blocks: [
        { kind: 'heading', text: 'Commands' },
        { kind: 'fields', fields: [{ label: '/deploy', value: 'deploy a job' }] },
      ],
    };
    expect(renderConsoleReport(help)).toBe('Commands\n========\n/deploy: deploy a job\n');
  });
});

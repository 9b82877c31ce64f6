import { describe, expect, it } from 'vitest';
import {
  createJobTally,
  STATUS_JOBS_LISTED_PER_TENANT,
  tallyJobLists,
} from '../../../../src/workers/processors/status-jobs.js';

const body = (value: unknown) => [Buffer.from(JSON.stringify(value))];

describe('the /status jobs table', () => {
  it('gives each job to the tenant whose name ends its ID, the longest name first, others to (none)', () => {
    const tally = createJobTally(['b', 'tenant-b']);
    for (const ID of ['web-tenant-b', 'db-b', 'lonely']) tally.add({ ID, Status: 'running' });
    expect(tally.block()).toEqual({
      kind: 'table',
      columns: ['tenant', 'jobs'],
      rows: [
        ['tenant-b', 'web-tenant-b (running)'],
        ['b', 'db-b (running)'],
        ['(none)', 'lonely (running)'],
      ],
    });
  });

  it('counts a job named by two lists once (same namespace and ID), and equal IDs of two namespaces twice', () => {
    const result = tallyJobLists({
      bodies: [
        body([{ ID: 'a-t', Namespace: 'n1', Status: 'running' }]),
        body([
          { ID: 'a-t', Namespace: 'n1', Status: 'running' },
          { ID: 'a-t', Namespace: 'n2', Status: 'dead' },
        ]),
      ],
      tenants: ['t'],
    });
    expect(result).toEqual({
      ok: true,
      block: { kind: 'table', columns: ['tenant', 'jobs'], rows: [['t', 'a-t (running), a-t (dead)']] },
    });
  });

  it('names the first jobs of a tenant and counts the rest by state', () => {
    const n = STATUS_JOBS_LISTED_PER_TENANT + 30;
    const jobs = Array.from({ length: n }, (_, i) => ({ ID: `j${i}-t`, Status: i % 2 ? 'dead' : 'running' }));
    const result = tallyJobLists({ bodies: [body(jobs)], tenants: ['t'] });
    const cell = result.ok && result.block.kind === 'table' ? result.block.rows[0]?.[1] : undefined;
    expect(cell).toContain('j0-t (running), j1-t (dead)');
    expect(cell).not.toContain(`j${STATUS_JOBS_LISTED_PER_TENANT}-t`);
    expect(cell).toMatch(/… and 30 more \(80 jobs: 40 running, 40 dead\)$/);
  });

  it('names the list that did not decode and why, for the client to turn into its coded error', () => {
    const result = tallyJobLists({
      bodies: [body([{ ID: 'a', Status: 'running' }]), [Buffer.from('<html>gateway')], body([{ ID: 3 }])],
      tenants: [],
    });
    expect(result).toEqual({ ok: false, list: 1, failure: { kind: 'not-json', head: '<html>gateway' } });
    const shape = tallyJobLists({ bodies: [body([{ ID: 'a', Status: 'running' }, { ID: 3 }])], tenants: [] });
    expect(shape).toMatchObject({
      ok: false,
      list: 0,
      failure: { kind: 'shape', summary: expect.stringMatching(/^1\.ID: /) },
    });
  });

  it('joins a body read in several slabs', () => {
    const text = JSON.stringify([{ ID: 'x-t', Status: 'pending' }]);
    const slabs = [Buffer.from(text.slice(0, 5)), Buffer.from(text.slice(5))];
    expect(tallyJobLists({ bodies: [slabs], tenants: ['t'] })).toMatchObject({
      ok: true,
      block: { rows: [['t', 'x-t (pending)']] },
    });
  });
});

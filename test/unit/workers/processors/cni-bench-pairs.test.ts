import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CancelledError, ErrorCode, NetopsError } from '../../../../src/errors.js';
import { createSilentLogger } from '../../../../src/logging.js';
import type { ClusterHost } from '../../../../src/net/cluster.js';
import type { Report } from '../../../../src/report/model.js';
import { runBenchPairs } from '../../../../src/workers/processors/cni-bench-pairs.js';
import { resolveBenchPairs } from '../../../../src/workers/processors/cni-bench-plan.js';

const hosts: ClusterHost[] = ['u1', 'u2', 'u3'].map((name, i) => ({ name, address: `192.168.56.1${i + 1}` }));

const report = (ratio: number): Report => ({
  command: 'cni-bench',
  ok: true,
  title: 't',
  blocks: [],
  results: {
    tcp: { bareMbps: 9000, overlayMbps: ratio * 9000, ratio, rating: 'good' },
    udp: { bareMbps: 5000, overlayMbps: 3000, ratio: 0.6, rating: 'fair' },
    http: { bareMbps: 4000, overlayMbps: 3600, ratio: 0.9, rating: 'good' },
  },
  errors: [],
});

const ctx = (abort?: AbortController) => ({
  jobId: `job-${Math.random().toString(36).slice(2)}`,
  signal: (abort ?? new AbortController()).signal,
  progress: async () => {},
});

describe('runBenchPairs', () => {
  it('runs the pairs one after the other; a host down fails its pairs only; one chart over the rest', async () => {
    const chartsDir = mkdtempSync(join(tmpdir(), 'pairs-chart-'));
    let running = 0;
    const order: string[] = [];
    const result = await runBenchPairs({
      network: 'weave',
      pairs: resolveBenchPairs(hosts, 'weave', { pairs: 'all' }),
      ctx: ctx(),
      chartsDir,
      log: createSilentLogger(),
      runPair: async (client, server) => {
        running += 1;
        expect(running).toBe(1); // never two pairs at once
        order.push(`${client.name}>${server.name}`);
        await new Promise((r) => setTimeout(r, 5));
        running -= 1;
        if (client.name === 'u3' || server.name === 'u3') {
          throw new NetopsError(ErrorCode.SshConnect, 'ssh u3: connect ECONNREFUSED', {
            userMessage: 'host u3 is unreachable over SSH',
          });
        }
        return report(client.name === 'u2' ? 0.6 : 0.95);
      },
    });
    expect(order).toEqual(['u1>u2', 'u1>u3', 'u2>u1', 'u2>u3', 'u3>u1', 'u3>u2']);
    expect(result.pairs).toHaveLength(6);
    expect(result.errors).toEqual([
      'u1 → u3: host u3 is unreachable over SSH',
      'u2 → u3: host u3 is unreachable over SSH',
      'u3 → u1: host u3 is unreachable over SSH',
      'u3 → u2: host u3 is unreachable over SSH',
    ]);
    expect(result.ok).toBe(false);
    expect(result.chart).toMatch(/bench-pairs-weave-job-.*\.png$/);
    expect(existsSync(result.chart as string)).toBe(true);
  });

  it('an internal error of one pair reaches chat only as a reference', async () => {
    const result = await runBenchPairs({
      network: 'weave',
      pairs: resolveBenchPairs(hosts, 'weave', { hosts: ['u1', 'u2'] }),
      ctx: ctx(),
      chartsDir: mkdtempSync(join(tmpdir(), 'pairs-chart-')),
      log: createSilentLogger(),
      runPair: async (client) => {
        if (client.name === 'u2') throw new Error('secret=abc leaked in a stack');
        return report(0.9);
      },
    });
    expect(result.errors).toEqual([expect.stringMatching(/^u2 → u1: Internal error \(ref `job-.*-u2-u1`\)/)]);
    expect(JSON.stringify(result)).not.toContain('secret=abc');
  });

  it('a cancel stops the whole run instead of being reported as a failed pair', async () => {
    const abort = new AbortController();
    await expect(
      runBenchPairs({
        network: 'weave',
        pairs: resolveBenchPairs(hosts, 'weave', { pairs: 'all' }),
        ctx: ctx(abort),
        chartsDir: tmpdir(),
        log: createSilentLogger(),
        runPair: async () => {
          abort.abort();
          throw new CancelledError('cancelled by U1');
        },
      }),
    ).rejects.toBeInstanceOf(CancelledError);
  });
});

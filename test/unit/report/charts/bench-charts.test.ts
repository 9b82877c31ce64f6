import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildBenchChartSpec, buildCompareChartSpec } from '../../../../src/report/charts/bench-charts.js';
import { renderPngFile, renderSvg } from '../../../../src/report/charts/render-png.js';

const dir = mkdtempSync(join(tmpdir(), 'netops-charts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const results = [
  { test: 'tcp' as const, bareMbps: 9410, overlayMbps: 4622 },
  { test: 'tcpMulti' as const, bareMbps: 9800, overlayMbps: 9100 },
  { test: 'udp' as const, bareMbps: 3120, overlayMbps: 634 },
  { test: 'http' as const, bareMbps: null, overlayMbps: 2000 },
];

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('bench chart spec', () => {
  it('has one bar per leg and test with a figure, bare metal first', () => {
    const spec = buildBenchChartSpec('weave', results) as unknown as {
      data: { values: Array<{ group: string; series: string; value: number }> };
      encoding: { color: { sort: string[] } };
    };
    expect(spec.data.values).toHaveLength(7);
    expect(spec.data.values.filter((v) => v.series === 'bare metal').map((v) => v.value)).toEqual([9410, 9800, 3120]);
    expect(spec.encoding.color.sort).toEqual(['bare metal', 'weave']);
  });

  it('compares networks as percent of their own bare metal', () => {
    const spec = buildCompareChartSpec([
      { label: 'weave', ratios: { tcp: 0.5, udp: 0.2 } },
      { label: 'flannel', ratios: { tcp: 0.97, udp: null } },
    ]) as unknown as { data: { values: Array<{ series: string; value: number }> } };
    expect(spec.data.values.map((v) => [v.series, v.value])).toEqual([
      ['weave', 50],
      ['weave', 20],
      ['flannel', 97],
    ]);
  });

  it('draws five tests across three networks and a published series in one chart (PNG kept for a look)', async () => {
    const tests = ['tcp', 'udp', 'http', 'ftp', 'scp'] as const;
    const spec = buildCompareChartSpec(
      [
        { label: 'weave', ratios: { tcp: 0.52, udp: 0.18, http: 0.61, ftp: 0.58, scp: 0.83 } },
        { label: 'flannel', ratios: { tcp: 0.93, udp: 0.9, http: 0.9, ftp: 0.88, scp: 0.95 } },
        { label: 'routed', ratios: { tcp: 0.99, udp: 1.0, http: 0.98, ftp: 0.97, scp: 0.99 } },
        { label: 'WeaveNet 2.5.1 2019 (published)', ratios: { http: 0.8, ftp: 0.83 } },
      ],
      tests,
    ) as unknown as { data: { values: Array<{ group: string; series: string }> } };
    expect(spec.data.values).toHaveLength(17);
    expect(new Set(spec.data.values.map((v) => v.group))).toEqual(
      new Set(['TCP 1 stream', 'UDP', 'HTTP', 'FTP', 'SCP']),
    );
    const path = await renderPngFile(spec as never, join(process.env.NETOPS_CHART_LOOK_DIR ?? dir, 'compare-5x3.png'));
    expect(pngSize(readFileSync(path)).width).toBeGreaterThan(600);
  });
});

describe('chart rendering', () => {
  it('renders an SVG with the labels as text', async () => {
    const svg = await renderSvg(buildBenchChartSpec('weave', results, 'u1 → u2'));
    expect(svg).toMatch(/^<svg/);
    for (const label of ['weave vs bare metal', 'TCP 1 stream', 'UDP', '9410', '634']) expect(svg).toContain(label);
  });

  it('writes a PNG whose text is drawn with a system font', async () => {
    const path = await renderPngFile(buildBenchChartSpec('weave', results), join(dir, 'sub', 'bench.png'));
    const png = readFileSync(path);
    const size = pngSize(png);
    expect(size.width).toBeGreaterThan(400);
    expect(size.height).toBeGreaterThan(400);
    // The same chart without any text must come out smaller: text pixels exist only when a font was found.
    const noText = buildBenchChartSpec('weave', results) as unknown as Record<string, unknown>;
    const bare = {
      ...noText,
      title: '',
      layer: [(noText.layer as unknown[])[0]],
      config: { axis: { labels: false, title: false }, legend: { disable: true } },
    };
    const plain = readFileSync(await renderPngFile(bare as never, join(dir, 'plain.png')));
    expect(png.length).toBeGreaterThan(plain.length * 1.2);
  });
});

import type { TopLevelSpec } from 'vega-lite';

/** One bar: a test (x group), a series (colour, e.g. `bare metal` or `weave`) and its value. */
export interface GroupedBar {
  group: string;
  series: string;
  value: number;
}

/** Options of {@link buildGroupedBarSpec}. */
export interface GroupedBarOptions {
  title: string;
  /** Axis title of the values, e.g. `Mbit/s`. */
  valueTitle: string;
  /** Order of the groups on the x axis and of the series in each group. */
  groupOrder: string[];
  seriesOrder: string[];
  /** A subtitle line (e.g. MTUs and hosts). */
  subtitle?: string;
}

/**
 * A vega-lite grouped bar chart (bars side by side per group via `xOffset`), values labelled on the bars.
 * Fonts are named explicitly because the PNG renderer has no browser defaults to fall back on.
 */
export function buildGroupedBarSpec(bars: readonly GroupedBar[], opts: GroupedBarOptions): TopLevelSpec {
  const font = 'DejaVu Sans';
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: opts.title, ...(opts.subtitle ? { subtitle: opts.subtitle } : {}), font, subtitleFont: font },
    width: { step: 36 },
    height: 260,
    background: 'white',
    padding: 12,
    config: { font, axis: { labelFont: font, titleFont: font }, legend: { labelFont: font, titleFont: font } },
    data: { values: bars.map((b) => ({ ...b, label: formatValue(b.value) })) },
    encoding: {
      x: { field: 'group', type: 'nominal', sort: opts.groupOrder, title: null, axis: { labelAngle: 0 } },
      xOffset: { field: 'series', type: 'nominal', sort: opts.seriesOrder },
      y: { field: 'value', type: 'quantitative', title: opts.valueTitle },
      color: {
        field: 'series',
        type: 'nominal',
        sort: opts.seriesOrder,
        title: null,
        // Published series carry long labels ("WeaveNet 2.5.1 2019 (published)"): never cut them.
        legend: { orient: 'bottom', labelLimit: 400 },
        scale: { range: ['#7f8c8d', '#2e86de', '#e67e22', '#27ae60', '#8e44ad', '#c0392b', '#16a085', '#f1c40f'] },
      },
    },
    layer: [
      { mark: { type: 'bar' } },
      {
        mark: { type: 'text', dy: -6, fontSize: 9, font },
        encoding: { text: { field: 'label', type: 'nominal' } },
      },
    ],
  };
}

/** 9410 → `9410`, 68 → `68`, 12.34 → `12.3`, 0.123 → `0.12`. */
function formatValue(v: number): string {
  if (v >= 100 || Number.isInteger(v)) return String(Math.round(v));
  if (v >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { ErrorCode, NetopsError } from '../../errors.js';

/** Font the chart specs name; Debian's fonts-dejavu-core provides it (scripts/install-deps.sh installs it). */
const CHART_FONT_FAMILY = 'DejaVu Sans';

/** vega-lite → vega → SVG, headless (no canvas, no browser). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Renders a vega-lite spec to a PNG file with resvg, loading the system fonts (resvg draws no text without
 * them). Returns the path written. Scale 2 keeps the text readable in Slack's preview.
 */
export async function renderPngFile(spec: TopLevelSpec, path: string): Promise<string> {
  const svg = await renderSvg(spec);
  let png: Buffer;
  try {
    const resvg = new Resvg(svg, {
      fitTo: { mode: 'zoom', value: 2 },
      background: 'white',
      font: { loadSystemFonts: true, defaultFontFamily: CHART_FONT_FAMILY, sansSerifFamily: CHART_FONT_FAMILY },
    });
    png = resvg.render().asPng();
  } catch (err) {
    throw new NetopsError(ErrorCode.Internal, `chart rendering failed: ${(err as Error).message}`, { cause: err });
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, png);
  return path;
}

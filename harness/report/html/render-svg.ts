import type { TopLevelSpec } from 'vega-lite';
import { textWidth } from './text-width.js';

/** What vega's scenegraph passes to a text measurer: a text item (vega-typings leave this untyped). */
interface TextItem {
  fontSize?: number | string;
  fontWeight?: string | number;
}

/** vega's text measurer, which vega exports but vega-typings do not declare. */
interface TextMetrics {
  width: (item: TextItem, text: unknown) => number;
}

/**
 * vega measures label widths with node-canvas when it happens to be installed and else guesses;
 * measuring from a fixed font table instead keeps the report's bytes independent of what else is
 * in node_modules, and lays text out about as a browser will draw it (a user-defined measurer is
 * what vega documents for this, e.g. vl-convert's).
 */
function measureFromFontTable(vega: typeof import('vega')): void {
  const metrics = (vega as unknown as { textMetrics: TextMetrics }).textMetrics;
  metrics.width = (item, text) => {
    const size = item.fontSize === undefined ? 11 : Number(item.fontSize) || 0;
    const bold = item.fontWeight === 'bold' || Number(item.fontWeight) >= 600;
    return textWidth(String(text ?? '').trim(), size, bold);
  };
}

interface Renderer {
  vega: typeof import('vega');
  compile: typeof import('vega-lite').compile;
}

let renderer: Promise<Renderer> | undefined;

/**
 * vega and vega-lite, loaded on the first chart rather than with the CLI: they are most of what
 * every harness command would otherwise load at start (about a second), and only the HTML report
 * draws charts.
 */
function loadRenderer(): Promise<Renderer> {
  renderer ??= Promise.all([import('vega'), import('vega-lite')]).then(([vega, vegaLite]) => {
    measureFromFontTable(vega);
    return { vega, compile: vegaLite.compile };
  });
  return renderer;
}

/**
 * A vega-lite spec rendered headless to an SVG string. Every id inside it (clip paths, gradients)
 * is prefixed with idPrefix, as many SVGs share one HTML document and vega numbers ids from a
 * process-wide counter, reset here so the same spec gives the same bytes every time.
 */
export async function renderSvg(spec: TopLevelSpec, idPrefix: string): Promise<string> {
  const { vega, compile } = await loadRenderer();
  const compiled = compile(spec).spec;
  vega.resetSVGDefIds();
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    return roundPaths(svg).replace(/(id="|url\(#)((?:clip|gradient_)\d+)/g, `$1${idPrefix}-$2`);
  } finally {
    view.finalize();
  }
}

/** Path coordinates to a hundredth of a pixel: vega writes every float digit, which triples a curve's bytes. */
function roundPaths(svg: string): string {
  return svg.replace(/ d="([^"]*)"/g, (_, d: string) => ` d="${d.replace(/-?\d+\.\d{3,}/g, (n) => String(Number(Number(n).toFixed(2))))}"`);
}

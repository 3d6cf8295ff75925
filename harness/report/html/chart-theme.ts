import type { Config } from 'vega-lite';

/**
 * One look for every chart: plain sans-serif text large enough to survive being shrunk into a
 * paper column, light grids, no frame.
 */
export const CHART_CONFIG: Config = {
  font: 'Helvetica, Arial, sans-serif',
  background: 'white',
  padding: 6,
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', gridColor: '#e4e4e4', domainColor: '#777', tickColor: '#777' },
  title: { fontSize: 13, fontWeight: 'bold', anchor: 'start', subtitleFontSize: 11, subtitleColor: '#555', offset: 8 },
  legend: { labelFontSize: 11, titleFontSize: 11, orient: 'bottom' },
};

/**
 * Colour-blind-safe (Okabe–Ito), one per guest in the order the run lists them, so a guest has the
 * same colour in every chart of the report.
 */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];

export interface GuestColors {
  domain: string[];
  range: string[];
}

export function guestColors(guests: readonly string[]): GuestColors {
  const domain = [...new Set(guests)];
  return { domain, range: domain.map((_, i) => PALETTE[i % PALETTE.length]!) };
}

export function colorOf(colors: GuestColors, guest: string): string {
  const i = colors.domain.indexOf(guest);
  return i < 0 ? '#555555' : colors.range[i]!;
}

/** Whether values spread over enough of a range that a linear axis would flatten the small ones. */
export function spansOrdersOfMagnitude(min: number, max: number): boolean {
  return min > 0 && max / min >= 10;
}

/**
 * Tick labels as a reader writes the numbers: 10,850 rather than 10.85k, up to 99,999; SI
 * prefixes beyond, where digits stop being readable.
 */
export function axisFormat(max: number): string {
  return Math.abs(max) < 1e5 ? ',~f' : '~s';
}

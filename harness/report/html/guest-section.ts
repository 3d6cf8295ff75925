import type { FigureSamples } from '../../analysis/figure-samples.js';
import { METHOD_HEADERS, methodRow, SUMMARY_HEADERS, summaryRow, type ReportContext } from '../markdown.js';
import { colorOf, type GuestColors } from './chart-theme.js';
import { distributionFigure } from './distribution-figure.js';
import { escapeHtml, inlineMarkdown } from './escape.js';
import { htmlTable } from './html-table.js';

type GuestContext = ReportContext['guests'][number];

/** An id fragment from a guest name: letters, digits and dashes only. */
export function slug(text: string): string {
  return (
    text
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .toLowerCase() || 'x'
  );
}

function list(items: readonly string[]): string {
  return items.length === 0 ? '' : `<ul>\n${items.map((i) => `<li>${i}</li>`).join('\n')}\n</ul>`;
}

/**
 * One guest as report.md has it (how it ran, its figures, how each was obtained, flags), then the
 * distribution of every figure's samples.
 */
export async function guestSection(
  guest: GuestContext,
  figures: readonly FigureSamples[],
  colors: GuestColors,
  index: number,
  merged: boolean,
): Promise<string> {
  const rows = figures.map((f) => f.entry);
  const id = `guest-${index + 1}-${slug(guest.name)}`;
  const out = [
    `<section class="guest" id="${id}">`,
    `<h2>${escapeHtml(guest.name)}</h2>`,
    ...(merged ? [`<p>Run: ${escapeHtml(guest.runId)}.</p>`] : []),
    `<p>Accelerator: <strong>${escapeHtml(guest.accel)}</strong> (${escapeHtml(guest.accelReason)}). vCPUs: ${guest.vcpus}. Boots: ${guest.boots}. Guest kernel: ${escapeHtml(guest.kernel)}.</p>`,
    `<p>Timer: ${escapeHtml(guest.timer)}.</p>`,
  ];
  const ns = rows[0]?.nanoseconds;
  if (ns && 'reason' in ns) out.push(`<p>Nanoseconds: ${escapeHtml(ns.reason)}.</p>`);
  if (guest.hostWarnings.length > 0) out.push('<p>Host conditions:</p>', list(guest.hostWarnings.map(escapeHtml)));
  for (const caveat of new Set(rows.flatMap((r) => (r.caveat ? [r.caveat] : [])))) out.push(`<p class="caveat"><strong>${escapeHtml(caveat)}</strong></p>`);
  if (rows.length > 0) {
    out.push(htmlTable(SUMMARY_HEADERS, rows.map(summaryRow)));
    out.push(`<p>How each figure was obtained (settling policy: ${escapeHtml(rows[0]!.settling.policy)}; outliers are counted, never dropped):</p>`);
    out.push(htmlTable(METHOD_HEADERS, rows.map(methodRow)));
  }
  const notes = [
    ...rows.flatMap((r) => r.flags.map((flag) => `<strong>${escapeHtml(r.metric)}:</strong> ${inlineMarkdown(flag)}`)),
    ...rows
      .filter((r) => r.clampedSamples > 0)
      .map((r) => `${escapeHtml(r.metric)}: ${r.clampedSamples} samples were below the timer overhead and counted as 0.`),
  ];
  if (notes.length > 0) out.push('<div class="flags">', list(notes), '</div>');
  if (figures.length > 0) {
    out.push(
      '<h3>Distributions</h3>',
      '<p>Per-operation samples of each figure, as its median and CI were computed from them (timer overhead subtracted, unsettled samples dropped).</p>',
    );
    for (const [i, figure] of figures.entries()) out.push(await distributionFigure(figure, `${id}-figure-${i + 1}`, colorOf(colors, guest.name)));
  }
  out.push('</section>');
  return out.join('\n');
}

import type { Manifest } from '../../rundir/manifest.js';
import type { CrossOsTable } from '../../analysis/cross-os.js';
import type { FigureSamples } from '../../analysis/figure-samples.js';
import { overridesSentences, termsByGuest, type ReportContext } from '../markdown.js';
import { crossOsTermsNote, TERMS_HEADERS, TERMS_INTRO, termsRow } from '../terms.js';
import type { ResultsDocument } from '../../analysis/results.js';
import { guestColors } from './chart-theme.js';
import { crossOsSection } from './cross-os-section.js';
import { ANATOMY_SECTION_ID, anatomySection } from './anatomy-section.js';
import type { AnatomyDocument } from '../../analysis/anatomy.js';
import { environmentFacts, GUEST_ENVIRONMENT_HEADERS, guestEnvironmentRow } from './environment.js';
import { escapeHtml, inlineMarkdown } from './escape.js';
import { guestSection, slug } from './guest-section.js';
import { factTable, htmlTable } from './html-table.js';
import { methodologyFacts } from './methodology.js';
import { PAGE_STYLE } from './page-style.js';
import { notRunSection, peerSection } from './peer-section.js';

export interface HtmlReportInput {
  doc: ResultsDocument;
  context: ReportContext;
  /** Each figure with its per-operation samples, one group per boot, in results order. */
  figures: readonly FigureSamples[];
  crossOs: readonly CrossOsTable[];
  /** The run's manifest, or each source run's for a merged report. */
  manifests: readonly Manifest[];
  /** The guests' anatomy documents; absent is the same as none. */
  anatomy?: readonly AnatomyDocument[];
}

/** report.md's terms of comparison, as a table. */
function termsSection(context: ReportContext): string {
  if (context.guests.length === 0) return '';
  return [
    '<section id="terms">',
    '<h2>Terms of comparison</h2>',
    `<p>${inlineMarkdown(TERMS_INTRO)}</p>`,
    htmlTable(
      TERMS_HEADERS,
      context.guests.map((g) => termsRow(g.name, g.terms)),
      { className: 'guests' },
    ),
    '</section>',
  ].join('\n');
}

/** The page's sections, in order, as [id, label]: only those the report has. */
function tableOfContents(input: HtmlReportInput, guests: readonly { id: string; name: string }[]): [string, string][] {
  const { doc, context, crossOs } = input;
  const ifAny = (count: number, id: string, label: string): [string, string][] => (count > 0 ? [[id, label]] : []);
  return [
    ...ifAny(context.guests.length, 'terms', 'Terms of comparison'),
    ...ifAny(crossOs.length, 'across-systems', 'Across systems'),
    ...ifAny(input.anatomy?.length ?? 0, ANATOMY_SECTION_ID, 'Cost anatomy'),
    ['environment', 'Environment'],
    ['methodology', 'Methodology'],
    ...guests.map((g): [string, string] => [g.id, g.name]),
    ...ifAny((doc.peers ?? []).length, 'peers', 'Peer cross-check'),
    ...ifAny(doc.skipped.length, 'skipped', 'Skipped'),
    ...ifAny(doc.failed.length, 'failed', 'Failed'),
  ];
}

/**
 * Nothing may be fetched: the file is self-contained (styles and SVGs inline, no scripts), and
 * this policy makes a browser refuse any request it would otherwise make.
 */
const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'";

/**
 * report.html: what report.md says, with plots — a bar chart per cross-OS table, a histogram and
 * a CDF per figure — and the environment and methodology as tables. Derived only from its input,
 * like every report file, so the same run gives the same bytes.
 */
export async function reportHtml(input: HtmlReportInput): Promise<string> {
  const { doc, context, figures, crossOs, manifests } = input;
  const anatomy = input.anatomy ?? [];
  const merged = context.mergedFrom.length > 0;
  const colors = guestColors([...context.guests.map((g) => g.name), ...figures.map((f) => f.entry.guest)]);
  const guests = [];
  for (const [i, guest] of context.guests.entries()) {
    guests.push({
      id: `guest-${i + 1}-${slug(guest.name)}`,
      name: guest.name,
      html: await guestSection(
        guest,
        figures.filter((f) => f.entry.guest === guest.name),
        colors,
        i,
        merged,
      ),
    });
  }
  const toc = tableOfContents(input, guests);
  const environment = [
    '<section id="environment">',
    '<h2>Environment</h2>',
    ...manifests.flatMap((m) => [...(manifests.length > 1 ? [`<h3>Run ${escapeHtml(m.runId)}</h3>`] : []), factTable(environmentFacts(m))]),
    htmlTable(
      GUEST_ENVIRONMENT_HEADERS,
      manifests.flatMap((m) => m.guests.map((g) => guestEnvironmentRow(g, m.runId, context))),
      { className: 'guests' },
    ),
    '</section>',
  ];
  const methodology = [
    '<section id="methodology">',
    '<h2>Methodology</h2>',
    factTable(methodologyFacts(doc, manifests, crossOs)),
    '<p>See docs/methodology.md in the project for the reasoning behind each step.</p>',
    '</section>',
  ];
  const body = [
    `<h1>${merged ? 'Merged report' : 'Benchmark run'} ${escapeHtml(doc.runId)}</h1>`,
    ...(merged ? [`<p>Merged from runs ${escapeHtml(context.mergedFrom.join(', '))}; each guest's section names its run.</p>`] : []),
    `<p>Created ${escapeHtml(context.createdAt)}.</p>`,
    ...overridesSentences(
      context,
      (text) => `<code>${escapeHtml(text)}</code>`,
      (text) => escapeHtml(text),
    ).map((sentence) => `<p>${sentence}</p>`),
    ...(doc.complete ? [] : ['<p class="banner"><strong>Incomplete run:</strong> some guests or benchmarks did not finish (see below).</p>']),
    '<p>Figures are per operation, after subtracting the timer overhead once per sample (measured in the guest: the smallest of many timed windows with nothing in them, or on seL4 with a NOP in place of the system call; see docs/metrics.md). ' +
      'The 95% CI is a bootstrap interval of the median; with several boots, a hierarchical one (boots, then samples within boots). See docs/methodology.md.</p>',
    `<nav class="toc">${toc.map(([href, label]) => `<a href="#${href}">${escapeHtml(label)}</a>`).join('')}</nav>`,
    termsSection(context),
    await crossOsSection(crossOs, colors, crossOsTermsNote(termsByGuest(context))),
    anatomySection(anatomy),
    ...environment,
    ...methodology,
    ...guests.map((g) => g.html),
    peerSection(doc.peers ?? []),
    notRunSection('skipped', 'Skipped', doc.skipped),
    notRunSection('failed', 'Failed', doc.failed),
  ].filter((part) => part !== '');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${merged ? 'Merged report' : 'Benchmark run'} ${escapeHtml(doc.runId)}</title>`,
    `<style>${PAGE_STYLE}</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

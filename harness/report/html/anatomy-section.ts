import type { AnatomyDocument } from '../../analysis/anatomy.js';
import {
  ANATOMY_ACROSS_INTRO,
  ANATOMY_HEADERS,
  ANATOMY_INTRO,
  anatomyAcross,
  anatomyGuestNotes,
  anatomyPickText,
  anatomyRow,
  comparisonTitle,
} from '../anatomy-markdown.js';
import { escapeHtml, inlineMarkdown } from './escape.js';
import { htmlTable } from './html-table.js';

/** The id of the section, for the table of contents. */
export const ANATOMY_SECTION_ID = 'cost-anatomy';

/** report.md's cost anatomy, with the same tables and texts: a table per guest, then the figures across systems; '' without documents. */
export function anatomySection(docs: readonly AnatomyDocument[]): string {
  if (docs.length === 0) return '';
  const out = [`<section id="${ANATOMY_SECTION_ID}">`, '<h2>Cost anatomy</h2>', `<p>${inlineMarkdown(ANATOMY_INTRO)}</p>`];
  for (const doc of docs) {
    out.push(`<h3>${escapeHtml(doc.guest)}</h3>`, `<p>${inlineMarkdown(anatomyGuestNotes(doc).join(' '))}</p>`);
    out.push(doc.metrics.length > 0 ? htmlTable(ANATOMY_HEADERS, doc.metrics.map(anatomyRow)) : '<p>No region was matched to a benchmark.</p>');
  }
  const comparisons = anatomyAcross(docs);
  if (comparisons.length > 0) {
    out.push('<h3>Across systems</h3>', `<p>${inlineMarkdown(ANATOMY_ACROSS_INTRO)}</p>`, '<ul>');
    for (const comparison of comparisons) {
      const picks = comparison.picks.map((pick) => `<li>${inlineMarkdown(anatomyPickText(pick))}</li>`).join('\n');
      out.push(
        `<li><strong>${escapeHtml(comparisonTitle(comparison))}</strong>, one operation: ${escapeHtml(comparison.operation)}.\n<ul>\n${picks}\n</ul></li>`,
      );
    }
    out.push('</ul>');
  }
  out.push('</section>');
  return out.join('\n');
}

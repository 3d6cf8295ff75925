import { escapeHtml, inlineMarkdown } from './escape.js';

/** A cell that looks like a number, a CI or a ratio is right-aligned, so figures line up by digit. */
const NUMERIC = /^[-+]?[\d.,]+(?:\s*(?:ns|%|[a-z-]+))?$|^\[[-\d., ]+\]$/;

/**
 * An HTML table of text cells, each escaped; **bold** and `code` in a cell (from texts shared
 * with report.md) become markup.
 */
export function htmlTable(headers: readonly string[], rows: readonly (readonly string[])[], options: { className?: string } = {}): string {
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map((row) => `<tr>${row.map((cell) => `<td${NUMERIC.test(cell) ? ' class="num"' : ''}>${inlineMarkdown(cell)}</td>`).join('')}</tr>`)
    .join('\n');
  const cls = options.className ? ` class="${escapeHtml(options.className)}"` : '';
  return `<table${cls}>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/** A two-column table of what and value, for facts about the run. */
export function factTable(facts: readonly (readonly [string, string])[]): string {
  const body = facts.map(([what, value]) => `<tr><th scope="row">${escapeHtml(what)}</th><td>${inlineMarkdown(value)}</td></tr>`).join('\n');
  return `<table class="facts">\n<tbody>\n${body}\n</tbody>\n</table>`;
}

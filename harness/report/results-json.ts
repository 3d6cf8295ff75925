import type { CrossOsTable } from '../analysis/cross-os.js';
import type { ResultsDocument } from '../analysis/results.js';

/** The document as results.json holds it: with the cross-OS tables of report.md and their ratios. */
export function withComparison(doc: ResultsDocument, crossOs: CrossOsTable[]): ResultsDocument {
  return { ...doc, comparison: { baseline: crossOs[0]?.baseline ?? null, tables: crossOs } };
}

/** results.json: the document with its cross-OS tables, as JSON (validated by analysis/results.schema.json). */
export function resultsJson(doc: ResultsDocument, crossOs: CrossOsTable[]): string {
  return `${JSON.stringify(withComparison(doc, crossOs), null, 2)}\n`;
}

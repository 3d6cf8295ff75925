import type { RunFile } from '../report/run-files.js';
import { contentEquals, contentText } from '../report/run-file-content.js';
import { describeDifference, firstDifference, type LineDifference } from './first-difference.js';

export interface ReportComparison {
  name: string;
  identical: boolean;
  /** Regenerated, but the run (or archive) holds no such file. */
  absent?: boolean;
  /** Where the texts first differ; undefined when identical or absent. */
  difference?: LineDifference;
  /** Why not identical, naming the first differing line. */
  detail?: string;
}

/**
 * Compares report files derived again from raw data with the ones the run (or archive) holds, byte
 * for byte. `label` names where the held files are, for messages: "archived" or "on disk". A file
 * in chunks (samples.csv) is compared a chunk at a time; only one that differs is joined into
 * text, to name the line where it differs.
 */
export function compareReports(regenerated: readonly RunFile[], held: ReadonlyMap<string, Uint8Array>, label: string): ReportComparison[] {
  return regenerated.map(({ name, content }) => {
    const bytes = held.get(name);
    if (!bytes) return { name, identical: false, absent: true, detail: `regenerated from the raw data, but not ${label}` };
    if (contentEquals(content, bytes)) return { name, identical: true };
    const difference = firstDifference(Buffer.from(bytes).toString('utf8'), contentText(content));
    const where = difference ? describeDifference(difference, { expected: label, got: 'regenerated' }) : 'the difference is in bytes that are not UTF-8 text';
    return { name, identical: false, difference, detail: `regenerated from the raw data, differs: ${where}` };
  });
}

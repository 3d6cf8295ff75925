import type { RunFile } from '../report/run-files.js';
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
 * for byte. `label` names where the held files are, for messages: "archived" or "on disk".
 */
export function compareReports(regenerated: readonly RunFile[], held: ReadonlyMap<string, Uint8Array>, label: string): ReportComparison[] {
  return regenerated.map(({ name, content }) => {
    const bytes = held.get(name);
    if (!bytes) return { name, identical: false, absent: true, detail: `regenerated from the raw data, but not ${label}` };
    if (Buffer.from(content, 'utf8').equals(bytes)) return { name, identical: true };
    const difference = firstDifference(Buffer.from(bytes).toString('utf8'), content);
    const where = difference ? describeDifference(difference, { expected: label, got: 'regenerated' }) : 'the difference is in bytes that are not UTF-8 text';
    return { name, identical: false, difference, detail: `regenerated from the raw data, differs: ${where}` };
  });
}

import { PAIRED_READS, type AnatomyReport } from '../analysis/anatomy.js';

export { instructionsPerWindow, windowMedian, PAIRED_READS, TRANSITION_KINDS } from '../analysis/anatomy.js';
export type { AnatomyBlock, AnatomyCycle, AnatomyRegion, AnatomyReport, TransitionKind } from '../analysis/anatomy.js';

/** Parses and checks the plugin's output (the types: harness/analysis/anatomy.ts). */
export function parseAnatomyReport(text: string): AnatomyReport {
  const doc = JSON.parse(text) as AnatomyReport;
  if (doc.plugin !== 'anatomy' || doc.format !== 1 || !Array.isArray(doc.regions)) {
    throw new Error(`expected the anatomy plugin's JSON (plugin "anatomy", format 1, regions), got ${text.slice(0, 80)}`);
  }
  // A plugin from before the cycle paired every two reads, which is what its absence means.
  for (const region of doc.regions) region.cycle ??= { ...PAIRED_READS };
  return doc;
}

import { LineCounter, parseDocument } from 'yaml';

import type { ConfigIssue } from './errors.js';
import { isRecord, issueAt } from './issues.js';
import { YamlSource, type PathSegment } from './source.js';
import type { RunConfig } from './types.js';

/**
 * A problem with a guest's field found after loading, by a check this layer cannot make itself (the
 * runner's pre-flight checks against the guest adapters, which config may not import), positioned
 * in the config's own text as loading positions its problems: `FILE:LINE:COL: guests[i].FIELD`.
 *
 * The guest is found by name, not by its index in `config.guests`: a `--guest` override keeps only
 * some guests, so the loaded index need not be the file's. A field the file does not write (a
 * default filled in) points at the guest's mapping, and `got` says it is the default.
 *
 * @param field the path below the guest, e.g. `['benchmarks', 'include', 1]`
 */
export function guestFieldIssue(
  config: Pick<RunConfig, 'file' | 'text'>,
  guest: string,
  field: readonly PathSegment[],
  expected: string,
  got: string,
): ConfigIssue {
  // The text parsed when the config was loaded, so it parses again; only positions are read from it.
  const lineCounter = new LineCounter();
  const doc = parseDocument(config.text, { lineCounter });
  const source = new YamlSource(doc, lineCounter);
  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  const guests = isRecord(data) && Array.isArray(data['guests']) ? (data['guests'] as unknown[]) : [];
  const index = guests.findIndex((g) => isRecord(g) && g['name'] === guest);
  const path: PathSegment[] = index < 0 ? ['guests'] : ['guests', index, ...field];
  const written = index >= 0 && source.has(path);
  return issueAt({ file: config.file, source }, path, 'value', expected, written ? got : `${got} (the default)`);
}

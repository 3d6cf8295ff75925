import { join } from 'node:path';
import type { AnatomyDocument } from '../analysis/anatomy.js';
import { anatomyDocumentProblems } from '../analysis/anatomy-schema.js';
import type { GuestManifest, Manifest } from '../rundir/manifest.js';
import { anatomyPath } from '../rundir/raw-inputs.js';
import { openRunFile } from '../rundir/run-file.js';

/**
 * An anatomy document holds the plugin's `top` blocks per region: a few hundred kilobytes. A file
 * far larger is not one, and is refused before it is read, so a damaged or foreign file cannot
 * make a report take the memory it would.
 */
export const MAX_ANATOMY_BYTES = 32 * 1024 * 1024;

/** A file's bytes, or only its size (nothing read) when it holds more than `limit`; a link or special file is refused (rundir/run-file.ts). */
async function readBounded(dir: string, path: string, limit: number): Promise<Buffer | { size: number }> {
  const { handle, size } = await openRunFile(dir, path, 'an anatomy document');
  try {
    if (size > limit) return { size };
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/**
 * One guest's anatomy document, checked: JSON, of the shape anatomy.ts declares, of this guest,
 * with as many metrics as the manifest recorded. Every failure names the file, what was expected
 * and what it held.
 */
export function parseAnatomyDocument(text: string, file: string, guest: Pick<GuestManifest, 'name' | 'anatomy'>): AnatomyDocument {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`expected ${file} to be a cost-anatomy document in JSON, got text that does not parse (${(error as Error).message})`, { cause: error });
  }
  const problems = anatomyDocumentProblems(data);
  if (problems.length > 0) {
    throw new Error(
      `expected ${file} to be a cost-anatomy document (harness-anatomy/1, harness/analysis/anatomy.ts), got one that is not: ${problems.join('; ')}`,
    );
  }
  const doc = data as AnatomyDocument;
  if (doc.guest !== guest.name) throw new Error(`expected ${file} to be guest ${guest.name}'s anatomy document, got guest ${JSON.stringify(doc.guest)}'s`);
  const expected = guest.anatomy?.metrics;
  if (expected !== undefined && doc.metrics.length !== expected) {
    throw new Error(`expected ${expected} metrics in ${file} (manifest.json anatomy.metrics), got ${doc.metrics.length}`);
  }
  return doc;
}

/** The anatomy documents of a run directory: one per guest whose manifest entry records one (rundir/raw-inputs.ts lists the same), in manifest order. */
export async function readAnatomyDocuments(dir: string, manifest: Pick<Manifest, 'guests'>): Promise<AnatomyDocument[]> {
  const docs: AnatomyDocument[] = [];
  for (const guest of manifest.guests) {
    if (!guest.anatomy) continue;
    const file = join(dir, anatomyPath(guest.name));
    const bytes = await readBounded(dir, anatomyPath(guest.name), MAX_ANATOMY_BYTES).catch((error: unknown) => {
      throw new Error(`expected ${file} (manifest.json records an anatomy document for ${guest.name}), got none readable`, { cause: error });
    });
    if (!Buffer.isBuffer(bytes)) {
      throw new Error(`expected ${file} to be a cost-anatomy document of at most ${MAX_ANATOMY_BYTES} bytes, got ${bytes.size} bytes`);
    }
    docs.push(parseAnatomyDocument(bytes.toString('utf8'), file, guest));
  }
  return docs;
}

import type { Manifest } from './manifest.js';

/** A file the reports are derived from, as regenerateRunFiles reads it. */
export interface RawInput {
  /** Path inside the run directory, `/`-separated. */
  path: string;
  /** Bytes the runner decoded from it (data.bin); the file may hold more. */
  minBytes?: number;
  /** May be absent: a boot that sent nothing has no data.bin to read. */
  optional?: boolean;
}

/**
 * The files regenerateRunFiles reads from a run directory, named by its manifest: the manifest, the
 * results, the config copy, each boot's data channel, and each anatomy document the manifest records. Both archive and
 * verify check these paths before anything reads them: an archive's manifest is not to be trusted
 * to name only files inside it.
 */
export function rawInputs(manifest: Manifest): RawInput[] {
  const inputs: RawInput[] = [{ path: 'manifest.json' }, { path: 'results.json' }, { path: manifest.config?.copy ?? 'config.yaml' }];
  for (const guest of manifest.guests ?? []) {
    // Every document the manifest records is read (report/anatomy-input.ts), whatever the guest's boots.
    if (guest.anatomy) inputs.push({ path: anatomyPath(guest.name) });
    // The same guests regenerateRunFiles reads boots of.
    if (guest.status === 'skipped' || !guest.accel) continue;
    for (const boot of guest.boots) {
      inputs.push({ path: `guests/${guest.name}/boot-${boot.boot}/data.bin`, minBytes: boot.dataBytes, optional: boot.dataBytes === 0 });
    }
  }
  return inputs;
}

/** Where a guest's anatomy document lies in the run directory (docs/anatomy.md). */
export function anatomyPath(guest: string): string {
  return `guests/${guest}/anatomy.json`;
}

/** Whether a path stays inside the folder it is relative to: no absolute path, no `..`, no empty or `.` part. */
export function isPlainRelativePath(path: string): boolean {
  if (path === '' || path.startsWith('/') || /^[A-Za-z]:/.test(path) || /[\\\0]/.test(path)) return false;
  return path.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

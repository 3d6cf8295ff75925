import { rename, unlink, writeFile } from 'node:fs/promises';

/** A file of the run directory could not be written; `path` is the file meant, not its temporary. */
export class AtomicWriteError extends Error {
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    super(`could not write ${path}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'AtomicWriteError';
  }
}

/** The file operations writeAtomic uses; tests replace them to inject faults. */
export const atomicFs = { writeFile, rename, unlink };

/**
 * Write-then-rename, so an interrupted run leaves the previous complete file rather than half a
 * file: the content goes to PATH.tmp-PID, is flushed to disk, and only then renamed over PATH, which
 * the kernel does in one step. A crash at any point leaves PATH as it was (and perhaps the
 * temporary, which `harness run --resume` and `harness archive` ignore).
 */
export async function writeAtomic(path: string, content: string | Uint8Array): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}`;
  try {
    await atomicFs.writeFile(temporary, content, { flush: true });
    await atomicFs.rename(temporary, path);
  } catch (error) {
    await atomicFs.unlink(temporary).catch(() => undefined);
    throw new AtomicWriteError(path, error);
  }
}

/** Writing into the run directory failed: the run stops, as nothing more could be kept. */
export class RunDirectoryWriteError extends Error {
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    super(`could not write ${path} in the run directory: ${(cause as Error)?.message ?? String(cause)}; the run stops here (files written before are intact)`, {
      cause,
    });
    this.name = 'RunDirectoryWriteError';
  }
}

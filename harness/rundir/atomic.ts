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
 * What writeAtomic writes: text (as UTF-8), bytes, or chunks of bytes written one after another as
 * they are produced (or arrive), for a file too large to hold whole (samples.csv grows with the samples).
 */
export type AtomicContent = string | Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

/**
 * Write-then-rename, so an interrupted run leaves the previous complete file rather than half a
 * file: the content goes to PATH.tmp-PID, is flushed to disk, and only then renamed over PATH, which
 * the kernel does in one step. A crash at any point leaves PATH as it was (and perhaps the
 * temporary, which `harness run --resume` and `harness archive` ignore). Chunks are written as they
 * come, the flush and rename after the last; one that fails to be produced fails the write likewise.
 */
export async function writeAtomic(path: string, content: AtomicContent): Promise<void> {
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

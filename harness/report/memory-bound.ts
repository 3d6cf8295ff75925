import type { Manifest } from '../rundir/manifest.js';
import { countBootSamples } from '../rundir/boot-data.js';

/**
 * What regenerating a run's reports holds per sample at its peak: the decoded samples (4 bytes,
 * 8 once a value passes 32 bits), a sorted copy per figure (8), the statistics and samples.csv's
 * pieces. `npm run bench` ("peak B/sample (report)", scripts/bench.ts) measured, from 10^6 to 10^7
 * samples, 11.2 B/sample marginal in one boot and 19.0 to 22.5 over 5 boots (the hierarchical
 * bootstrap); 24 is above every marginal figure, and the bench checks the whole process's peak
 * against 256 MiB + 24 B a sample (398 MiB against 485 at 10^7 samples in 5 boots).
 */
export const REPORT_BYTES_PER_SAMPLE = 24;

/**
 * What the reader holds besides the samples: node itself, the text files read whole (each refused
 * over 256 MiB, rundir/run-file.ts), and, for verify, node-tar's at most 16 MiB of decompressed bytes.
 */
export const REPORT_FIXED_MIB = 256;

/** The default bound of `harness verify` and `harness report`: 78 million samples (configs/million.yaml, one boot, fits). */
export const DEFAULT_MAX_MEMORY_MIB = 2048;

/** Samples whose reports fit in `maxMemoryMiB`: (bound − 256 MiB) / 24 B. */
export function samplesWithin(maxMemoryMiB: number): number {
  return Math.max(0, Math.floor(((maxMemoryMiB - REPORT_FIXED_MIB) * 2 ** 20) / REPORT_BYTES_PER_SAMPLE));
}

/** A run with more samples than a memory bound allows, refused before any is held. */
export class MemoryBoundError extends Error {
  constructor(
    /** What is refused: `run DIR`, or `archive FILE` when the run is an archive's temporary folder. */
    readonly subject: string,
    readonly samples: number,
    readonly maxMemoryMiB: number,
    /** Samples of the runs loaded before it (a merge), held alongside. */
    readonly heldBefore = 0,
  ) {
    const held = heldBefore > 0 ? `, ${samples + heldBefore} with the runs before it` : '';
    super(
      `refusing ${subject}: it holds ${samples} samples${held}, beyond the ${maxMemoryMiB} MiB memory bound ` +
        `(at most ${samplesWithin(maxMemoryMiB)} samples: ${REPORT_FIXED_MIB} MiB + ${REPORT_BYTES_PER_SAMPLE} B a sample; docs/archive.md); ` +
        'a larger bound can be given with --max-memory-mib',
    );
    this.name = 'MemoryBoundError';
  }
}

/**
 * The samples of every boot the reports are derived from (the boots loadRunData reads), counted
 * from the bytes the manifest says were decoded, before any is held: the manifest records bytes,
 * not samples, so the count is taken from the data itself.
 */
export async function countRunSamples(dir: string, manifest: Manifest): Promise<number> {
  let samples = 0;
  for (const guest of manifest.guests) {
    if (guest.status === 'skipped' || !guest.accel) continue;
    for (const boot of guest.boots) samples += await countBootSamples(dir, guest.name, boot);
  }
  return samples;
}

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BootManifest } from './manifest.js';
import { readDataChannel } from '../wire/data-channel.js';
import type { StreamExpectation } from '../wire/expectation.js';

/** A boot's data.bin in a run directory. */
export function bootDataFile(runDir: string, guest: string, boot: number): string {
  return join(runDir, 'guests', guest, `boot-${boot}`, 'data.bin');
}

/**
 * A finished boot's records, read back from its data.bin exactly as the runner read them live: as
 * many bytes as the manifest says it decoded, so a boot that ended in a bad record stops there again.
 */
export async function readBootData(
  runDir: string,
  guest: string,
  boot: Pick<BootManifest, 'boot' | 'dataBytes'>,
  expectation: StreamExpectation | undefined,
): Promise<ReturnType<typeof readDataChannel>> {
  const file = bootDataFile(runDir, guest, boot.boot);
  const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' && boot.dataBytes === 0) return Buffer.alloc(0);
    throw new Error(`expected ${boot.dataBytes} bytes of data channel at ${file}, got none readable`, { cause: error });
  });
  if (bytes.length < boot.dataBytes) throw new Error(`expected at least ${boot.dataBytes} bytes in ${file} (as the manifest records), got ${bytes.length}`);
  return readDataChannel(bytes.subarray(0, boot.dataBytes), expectation);
}

import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { BootManifest } from './manifest.js';
import { DataChannel, feedChecked, readDataChannel } from '../wire/data-channel.js';
import { WireDecoder } from '../wire/decoder.js';
import { countSamples } from '../wire/payloads.js';
import { SampleBoundError, type SampleAllowance } from '../wire/errors.js';
import type { StreamExpectation } from '../wire/expectation.js';
import { openRunFile } from './run-file.js';

/** A boot's data.bin in a run directory. */
export function bootDataFile(runDir: string, guest: string, boot: number): string {
  return join(runDir, 'guests', guest, `boot-${boot}`, 'data.bin');
}

/**
 * Bytes of data.bin read and decoded at a time. The file is not read whole: at 1.5 bytes a sample it
 * would be held beside the decoded samples, and the decoder takes the bytes in any chunks alike.
 */
export const BOOT_DATA_CHUNK_BYTES = 1 << 20;

type BootData = ReturnType<typeof readDataChannel>;

interface BootDataOptions {
  chunkBytes?: number;
  /** Samples the reader may still hold over all it reads; more throws SampleBoundError (not a damaged stream). */
  allowance?: SampleAllowance;
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
  options: BootDataOptions = {},
): Promise<BootData> {
  const channel = new DataChannel(expectation, options.allowance);
  const error = await scanBootData(runDir, guest, boot, options.chunkBytes, (chunk) => {
    const stopped = feedChecked(channel, chunk);
    // Past the bound the whole read is refused: the samples after it are never held, nor reported as damage.
    if (stopped instanceof SampleBoundError) throw stopped;
    return stopped;
  });
  return error ? { stream: channel.stream, error } : { stream: channel.stream };
}

/**
 * The samples a boot's data.bin holds in the bytes the manifest says were decoded, counted without
 * keeping any (wire/payloads.ts countSamples): what reading it would
 * hold, known before it is read. The count stops at the first record that breaks the format, as
 * the reading does; a record the reading would reject for its content is counted, so the count is
 * never below what the reading holds.
 */
export async function countBootSamples(runDir: string, guest: string, boot: Pick<BootManifest, 'boot' | 'dataBytes'>): Promise<number> {
  const decoder = new WireDecoder();
  let count = 0;
  await scanBootData(runDir, guest, boot, undefined, (chunk) => {
    try {
      for (const record of decoder.feed(chunk)) {
        if (record.type === 'SAMPLES') count += countSamples(record.payload);
      }
      return undefined;
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  });
  return count;
}

/**
 * Feeds the first `dataBytes` bytes of a boot's data.bin to `feed` a chunk at a time, until it
 * returns the error that stops the stream (returned here).
 */
async function scanBootData(
  runDir: string,
  guest: string,
  boot: Pick<BootManifest, 'boot' | 'dataBytes'>,
  chunkBytes: number | undefined,
  feed: (chunk: Uint8Array) => Error | undefined,
): Promise<Error | undefined> {
  const file = bootDataFile(runDir, guest, boot.boot);
  const unreadable = (error: unknown) => new Error(`expected ${boot.dataBytes} bytes of data channel at ${file}, got none readable`, { cause: error });
  let handle: FileHandle;
  let size: number;
  try {
    // Named by the manifest: refused if it leads outside the run, is a link, or is not a regular file (/dev/zero).
    ({ handle, size } = await openRunFile(runDir, `guests/${guest}/boot-${boot.boot}/data.bin`, "a boot's data channel"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && boot.dataBytes === 0) return undefined;
    if ((error as NodeJS.ErrnoException).code !== undefined) throw unreadable(error);
    throw error;
  }
  try {
    if (size < boot.dataBytes) throw new Error(`expected at least ${boot.dataBytes} bytes in ${file} (as the manifest records), got ${size}`);
    return await feedChunks(handle, boot.dataBytes, feed, unreadable, chunkBytes ?? BOOT_DATA_CHUNK_BYTES);
  } finally {
    await handle.close();
  }
}

/** The first `length` bytes of the file fed a chunk at a time, stopping at the first error `feed` returns. */
async function feedChunks(
  handle: FileHandle,
  length: number,
  feed: (chunk: Uint8Array) => Error | undefined,
  unreadable: (error: unknown) => Error,
  chunkBytes: number,
): Promise<Error | undefined> {
  // One buffer, refilled: the decoder copies out what it keeps of a chunk (an unfinished record).
  const chunk = Buffer.allocUnsafe(Math.min(chunkBytes, Math.max(length, 1)));
  for (let at = 0; at < length;) {
    const { bytesRead } = await handle.read(chunk, 0, Math.min(chunk.length, length - at), at).catch((error: unknown) => Promise.reject(unreadable(error)));
    if (bytesRead === 0) throw unreadable(new Error(`the file ended after ${at} bytes`));
    const error = feed(chunk.subarray(0, bytesRead));
    if (error) return error;
    at += bytesRead;
  }
  return undefined;
}

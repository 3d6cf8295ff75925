import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** What can be hashed: bytes, or a string (hashed as its UTF-8 encoding). */
export type HashInput = string | Uint8Array;

/** A hash of `data`, or of the parts of `data` fed in order (the same as hashing their concatenation). */
function sha256(data: HashInput | readonly HashInput[]): ReturnType<typeof createHash> {
  const hash = createHash('sha256');
  for (const part of typeof data === 'string' || data instanceof Uint8Array ? [data] : data) hash.update(part);
  return hash;
}

/** SHA-256 as 64 lowercase hex digits, as sha256sum prints it: of `data`, or of its parts one after another. */
export function sha256Hex(data: HashInput | readonly HashInput[]): string {
  return sha256(data).digest('hex');
}

/** SHA-256 in padded base64 (OpenSSH fingerprints are this without the `=`). */
export function sha256Base64(data: HashInput | readonly HashInput[]): string {
  return sha256(data).digest('base64');
}

/** SHA-256 of a file's bytes as hex, read as a stream: disk images are too large to hold in memory. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  // Reads of 1 MiB rather than the default 64 KiB: half the time on a file of hundreds of megabytes.
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

import { crc32 as zlibCrc32 } from 'node:zlib';

/** CRC-32 (IEEE 802.3), continuing from `previous` so header and payload can be fed separately. */
export function crc32(data: Uint8Array, previous = 0): number {
  return zlibCrc32(data, previous) >>> 0;
}

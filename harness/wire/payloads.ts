import { WireError } from './errors.js';

const PRINTABLE_LINE = /^[\x20-\x7e]*$/;

/** Decodes a key=value record; `offset` locates errors in the stream. */
export function decodeFields(payload: Uint8Array, offset: number): Map<string, string> {
  const text = Buffer.from(payload).toString('latin1');
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const eq = line.indexOf('=');
    if (eq <= 0 || !PRINTABLE_LINE.test(line)) {
      throw new WireError(offset, 'key=value lines of printable ASCII', JSON.stringify(line.slice(0, 60)));
    }
    fields.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return fields;
}

export interface SampleChunk {
  first: number;
  /**
   * A view of fresh memory: the caller may keep it or copy it where it belongs. A Uint32Array
   * unless some value needs more than 32 bits, so that it is a Float64Array only when it must be.
   */
  values: Uint32Array | Float64Array;
}

/**
 * Decodes a SAMPLES record: u32 first index, then unsigned LEB128 varints. Values go straight into
 * a Uint32Array, one slot per payload byte at most, so a million samples cost no per-sample
 * objects and no array growth, and are copied into the benchmark's Uint32Array as they are. A
 * value beyond 32 bits (no timer sample of a working guest) has the record decoded again into a
 * Float64Array, exact for every integer below 2^53; its errors are those of the first pass.
 */
export function decodeSamples(payload: Uint8Array, offset: number): SampleChunk {
  if (payload.length < 4) throw new WireError(offset, 'a SAMPLES payload of at least 4 bytes', `${payload.length} bytes`);
  const first = Buffer.from(payload.buffer, payload.byteOffset, payload.length).readUInt32LE(0);
  const narrow = new Uint32Array(payload.length - 4);
  const count = decodeVarints(payload, offset, narrow, 0xffffffff);
  if (count >= 0) return { first, values: narrow.subarray(0, count) };
  const wide = new Float64Array(payload.length - 4);
  return { first, values: wide.subarray(0, decodeVarints(payload, offset, wide, Infinity)) };
}

/**
 * How many values a SAMPLES payload holds, without decoding them: each varint after the u32 first
 * index ends in a byte below 0x80. An upper bound on what decodeSamples gives (it may still reject
 * the payload), so a reader can know what it would hold before holding it.
 */
export function countSamples(payload: Uint8Array): number {
  let count = 0;
  for (let i = 4; i < payload.length; i++) if (payload[i]! < 0x80) count++;
  return count;
}

/** Decodes the varints after the first index into `values`: how many, or -1 at the first above `limit`. */
function decodeVarints(payload: Uint8Array, offset: number, values: Uint32Array | Float64Array, limit: number): number {
  let count = 0;
  let i = 4;
  const end = payload.length;
  while (i < end) {
    let byte = payload[i++]!;
    let value = byte & 0x7f;
    // Up to four bytes (values below 2^28, nearly every timer sample) in 32-bit arithmetic.
    for (let shift = 7; byte & 0x80; shift += 7) {
      if (shift === 28) {
        ({ value, i } = longVarint(payload, i, value, offset));
        if (value > limit) return -1;
        break;
      }
      if (i >= end) throw new WireError(offset, 'a complete final varint', 'a varint cut short');
      byte = payload[i++]!;
      value |= (byte & 0x7f) << shift;
    }
    values[count++] = value;
  }
  return count;
}

/** The rest of a varint beyond its fourth byte, in float arithmetic up to 2^53. */
function longVarint(payload: Uint8Array, start: number, low: number, offset: number): { value: number; i: number } {
  let value = low;
  let scale = 2 ** 28;
  let i = start;
  for (;;) {
    if (i >= payload.length) throw new WireError(offset, 'a complete final varint', 'a varint cut short');
    const byte = payload[i]!;
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if (!Number.isSafeInteger(value)) throw new WireError(offset, 'sample values below 2^53', `an overflowing varint at payload byte ${i}`);
    i += 1;
    if ((byte & 0x80) === 0) return { value, i };
  }
}

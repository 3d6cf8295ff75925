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
  values: number[];
}

/** Decodes a SAMPLES record: u32 first index, then unsigned LEB128 varints. */
export function decodeSamples(payload: Uint8Array, offset: number): SampleChunk {
  if (payload.length < 4) throw new WireError(offset, 'a SAMPLES payload of at least 4 bytes', `${payload.length} bytes`);
  const first = Buffer.from(payload.buffer, payload.byteOffset, payload.length).readUInt32LE(0);
  const values: number[] = [];
  let value = 0;
  let scale = 1;
  let inVarint = false;
  for (let i = 4; i < payload.length; i++) {
    const byte = payload[i]!;
    value += (byte & 0x7f) * scale;
    scale *= 128;
    inVarint = true;
    if (!Number.isSafeInteger(value)) throw new WireError(offset, 'sample values below 2^53', `an overflowing varint at payload byte ${i}`);
    if ((byte & 0x80) === 0) {
      values.push(value);
      value = 0;
      scale = 1;
      inVarint = false;
    }
  }
  if (inVarint) throw new WireError(offset, 'a complete final varint', 'a varint cut short');
  return { first, values };
}

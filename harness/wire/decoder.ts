import { RecordType, type RecordTypeName, WIRE_HEADER_BYTES, WIRE_MAGIC, WIRE_MAX_PAYLOAD, WIRE_VERSION } from './constants.js';
import { crc32 } from './crc32.js';
import { WireError } from './errors.js';

export interface WireRecord {
  type: RecordTypeName;
  seq: number;
  /** Byte offset of the record's header in the stream. */
  offset: number;
  payload: Uint8Array;
}

const TYPE_NAMES = new Map<number, RecordTypeName>(Object.entries(RecordType).map(([name, code]) => [code, name as RecordTypeName]));

const hex = (value: number, digits = 8) => `0x${value.toString(16).padStart(digits, '0')}`;

/**
 * Splits a byte stream into checked records. Fed in arbitrary chunks (the data channel arrives as
 * QEMU writes it); throws WireError at the first byte that breaks the format, because a figure built
 * from a damaged stream cannot be trusted.
 */
export class WireDecoder {
  private buffer: Buffer = Buffer.alloc(0);
  /** Stream offset of buffer[0]. */
  private consumed = 0;
  private nextSeq = 0;

  push(chunk: Uint8Array): WireRecord[] {
    return [...this.feed(chunk)];
  }

  /**
   * Yields each whole record as soon as it is checked, so a consumer that handles records one by
   * one keeps every record before a damaged one, however the bytes were chunked.
   */
  *feed(chunk: Uint8Array): Generator<WireRecord, void, undefined> {
    // A chunk (or a whole data.bin) is read in place, not copied: records are taken from views of
    // the caller's bytes while this call runs, and only an unfinished record's bytes are kept beyond it.
    this.buffer = this.buffer.length === 0 ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength) : Buffer.concat([this.buffer, chunk]);
    try {
      for (;;) {
        const record = this.takeRecord();
        if (!record) return;
        yield record;
      }
    } finally {
      // The caller may reuse its chunk after this call: keep a copy of what is left, not a view.
      if (this.buffer.length > 0 && this.buffer.buffer === chunk.buffer) this.buffer = Buffer.from(this.buffer);
    }
  }

  /** Bytes received but not yet forming a whole record; a clean stream ends with none. */
  get pendingBytes(): number {
    return this.buffer.length;
  }

  get offset(): number {
    return this.consumed;
  }

  /** Throws when the stream stopped in the middle of a record. */
  finish(): void {
    if (this.buffer.length > 0) {
      throw new WireError(this.consumed, 'a whole record', `${this.buffer.length} trailing bytes (truncated record)`);
    }
  }

  private takeRecord(): WireRecord | undefined {
    const buf = this.buffer;
    const at = this.consumed;
    if (buf.length >= 4 && buf.readUInt32LE(0) !== WIRE_MAGIC) {
      throw new WireError(at, `magic ${hex(WIRE_MAGIC)}`, hex(buf.readUInt32LE(0)));
    }
    if (buf.length < WIRE_HEADER_BYTES) return undefined;
    const version = buf.readUInt16LE(4);
    if (version !== WIRE_VERSION) throw new WireError(at, `wire-format version ${WIRE_VERSION}`, `version ${version}`);
    const code = buf.readUInt16LE(6);
    const type = TYPE_NAMES.get(code);
    if (!type) throw new WireError(at, `a record type in 1..${TYPE_NAMES.size}`, `type ${code}`);
    const seq = buf.readUInt32LE(8);
    const length = buf.readUInt32LE(12);
    if (length > WIRE_MAX_PAYLOAD) throw new WireError(at, `a payload of at most ${WIRE_MAX_PAYLOAD} bytes`, `length ${length}`);
    if (buf.length < WIRE_HEADER_BYTES + length) return undefined;
    const payload = buf.subarray(WIRE_HEADER_BYTES, WIRE_HEADER_BYTES + length);
    const expectedCrc = buf.readUInt32LE(16);
    const actualCrc = crc32(payload, crc32(buf.subarray(0, 16)));
    if (actualCrc !== expectedCrc) {
      throw new WireError(at, `CRC-32 ${hex(expectedCrc)} for the ${type} record of ${length} bytes`, `CRC-32 ${hex(actualCrc)}`);
    }
    if (seq !== this.nextSeq) throw new WireError(at, `record sequence number ${this.nextSeq}`, `${seq}`);
    this.nextSeq++;
    this.buffer = buf.subarray(WIRE_HEADER_BYTES + length);
    this.consumed += WIRE_HEADER_BYTES + length;
    return { type, seq, offset: at, payload: Uint8Array.from(payload) };
  }
}

import type { BootStream } from '../analysis/figure-samples.js';
import { csvField } from './results-csv.js';

const HEADER = 'guest,boot,metric,index,raw_ticks\n';
const COMMA = 0x2c;
const NEWLINE = 0x0a;
const ZERO = 0x30;

/**
 * Bytes per chunk of samples.csv. The file grows with the samples (about 40 bytes each, 400 MB at
 * 10^7), so it is produced and written a chunk at a time: its memory is a chunk, whatever the run.
 */
export const SAMPLES_CSV_CHUNK_BYTES = 1 << 20;

/**
 * The most bytes `index,value\n` can take after a line's prefix: a safe integer index (16 digits)
 * and any number as String() writes it (25 characters at most, e.g. -0.0000012345678901234567).
 */
const LONGEST_TAIL = 16 + 1 + 32 + 1;

/**
 * samples.csv: every raw sample of every boot, as the guest measured it (timer ticks, overhead not
 * subtracted), as `prefix,index,value` lines with values as String() writes them. The lines are
 * written as bytes (a string per line costs tens of bytes of heap each) into chunks of about
 * `chunkBytes`, each a new array the consumer may keep. The result can be iterated again: each
 * iteration produces the whole file afresh from the samples, which it only reads.
 */
export function samplesCsvChunks(streams: readonly BootStream[], chunkBytes = SAMPLES_CSV_CHUNK_BYTES): Iterable<Uint8Array> {
  return { [Symbol.iterator]: () => chunks(streams, chunkBytes) };
}

/** The whole of samples.csv as one string, for tests and small runs: reports write samplesCsvChunks. */
export function samplesCsv(streams: readonly BootStream[]): string {
  return Buffer.concat([...samplesCsvChunks(streams)]).toString('utf8');
}

function* chunks(streams: readonly BootStream[], chunkBytes: number): Generator<Uint8Array, void, undefined> {
  let out = new Uint8Array(Math.max(chunkBytes, HEADER.length));
  let at = Buffer.from(out.buffer).write(HEADER, 0, 'latin1');
  for (const { guest, boot, stream } of streams) {
    for (const bench of stream.benchmarks) {
      // A plain Uint8Array keeps the byte stores of LineWriter monomorphic (a Buffer is a subclass).
      const prefix = new Uint8Array(Buffer.from(`${csvField(guest)},${boot},${csvField(bench.metric)},`));
      const line = prefix.length + LONGEST_TAIL;
      const lines = new LineWriter(prefix, bench.samples);
      while (!lines.done) {
        // Not room for one more line of this benchmark: the chunk is done.
        if (at + line > out.length) {
          if (at > 0) yield out.subarray(0, at);
          out = new Uint8Array(Math.max(chunkBytes, line));
          at = 0;
        }
        at = lines.write(out, at, out.length - line);
      }
    }
  }
  if (at > 0) yield out.subarray(0, at);
}

/** One benchmark's lines, written a chunk's worth at a time, each call resuming where the last stopped. */
class LineWriter {
  private next = 0;
  /**
   * The next line up to its value: the prefix, the index's digits and a comma, copied as one, its
   * index counted up in place rather than divided out of every index.
   */
  private head: Uint8Array;
  private headLength: number;

  constructor(
    private readonly prefix: Uint8Array,
    private readonly samples: ArrayLike<number>,
  ) {
    this.head = new Uint8Array(prefix.length + 2);
    this.head.set(prefix);
    this.head[prefix.length] = ZERO;
    this.head[prefix.length + 1] = COMMA;
    this.headLength = prefix.length + 2;
  }

  get done(): boolean {
    return this.next >= this.samples.length;
  }

  /** Writes lines into `out` from `start` while each starts at or before `limit`; returns where the last ended. */
  write(out: Uint8Array, start: number, limit: number): number {
    const { samples } = this;
    let at = start;
    let i = this.next;
    for (; i < samples.length && at <= limit; i++) {
      // A byte loop: Buffer#copy costs more per call than these few dozen bytes.
      const head = this.head;
      const headLength = this.headLength;
      for (let k = 0; k < headLength; k++) out[at++] = head[k]!;
      at = writeValue(out, at, samples[i]!);
      out[at++] = NEWLINE;
      this.increment();
    }
    this.next = i;
    return at;
  }

  /** The head's index one more, in place (a digit longer after all nines). */
  private increment(): void {
    const { head, prefix } = this;
    for (let k = this.headLength - 2; k >= prefix.length; k--) {
      if (head[k] !== ZERO + 9) {
        head[k]! += 1;
        return;
      }
      head[k] = ZERO;
    }
    const longer = new Uint8Array(this.headLength + 1);
    longer.set(prefix);
    longer[prefix.length] = ZERO + 1;
    longer.fill(ZERO, prefix.length + 1, this.headLength);
    longer[this.headLength] = COMMA;
    this.head = longer;
    this.headLength += 1;
  }
}

/** Digits of one value, least significant first, before they are copied out in order. */
const scratch = new Uint8Array(20);

/**
 * The digits of every value below SMALL, right-aligned in 4 bytes each, and how many there are:
 * timer ticks are mostly such values, and a lookup is cheaper than dividing each by 10 per digit.
 */
const SMALL = 10_000;
const SMALL_DIGITS = new Uint8Array(SMALL * 4);
const SMALL_LENGTH = new Uint8Array(SMALL);
for (let v = 0; v < SMALL; v++) {
  const text = String(v);
  SMALL_LENGTH[v] = text.length;
  for (let k = 0; k < text.length; k++) SMALL_DIGITS[v * 4 + 4 - text.length + k] = text.charCodeAt(k);
}

function writeValue(out: Uint8Array, start: number, x: number): number {
  if (x < SMALL && x >= 0 && (x | 0) === x) {
    const length = SMALL_LENGTH[x]!;
    let at = start;
    for (let k = x * 4 + 4 - length; k < x * 4 + 4; k++) out[at++] = SMALL_DIGITS[k]!;
    return at;
  }
  if (!(Number.isSafeInteger(x) && x >= 0)) {
    const text = Buffer.from(String(x));
    out.set(text, start);
    return start + text.length;
  }
  let count = 0;
  let rest = x;
  while (rest >= 10) {
    // Integer division in 32 bits where it fits, the common case for timer ticks.
    const next = rest < 2 ** 31 ? (rest / 10) | 0 : Math.floor(rest / 10);
    scratch[count++] = rest - next * 10;
    rest = next;
  }
  scratch[count++] = rest;
  let at = start;
  while (count > 0) out[at++] = ZERO + scratch[--count]!;
  return at;
}

import type { BootStream } from '../analysis/figure-samples.js';
import { csvField } from './results-csv.js';

const HEADER = 'guest,boot,metric,index,raw_ticks\n';
const COMMA = 0x2c;
const NEWLINE = 0x0a;
const ZERO = 0x30;

/**
 * samples.csv: every raw sample of every boot, as the guest measured it (timer ticks, overhead not
 * subtracted). Written as bytes into one buffer and decoded once, because a string per line (tens
 * of bytes of heap each, then a join) made this file the report's largest cost at a million
 * samples; the text is the same, `prefix,index,value` lines with values as String() writes them.
 */
export function samplesCsv(streams: readonly BootStream[]): string {
  const parts: { prefix: Buffer; samples: ArrayLike<number> }[] = [];
  for (const { guest, boot, stream } of streams) {
    for (const bench of stream.benchmarks) {
      parts.push({ prefix: Buffer.from(`${csvField(guest)},${boot},${csvField(bench.metric)},`), samples: bench.samples });
    }
  }
  // An upper bound: each line with the widest index and value of its benchmark.
  let size = HEADER.length;
  for (const { prefix, samples } of parts) size += samples.length * (prefix.length + decimalLength(samples.length) + widestValue(samples) + 2);
  const out = Buffer.allocUnsafe(size);
  let at = out.write(HEADER, 0, 'latin1');
  // Plain Uint8Array views keep the byte stores below monomorphic (a Buffer is a subclass).
  const bytes = new Uint8Array(out.buffer, out.byteOffset, out.length);
  for (const { prefix, samples } of parts) at = writeLines(bytes, at, new Uint8Array(prefix), samples);
  return out.toString('utf8', 0, at);
}

function writeLines(out: Uint8Array, start: number, prefix: Uint8Array, samples: ArrayLike<number>): number {
  let at = start;
  // The index's digits, counted up in place rather than divided out of every index.
  let indexDigits: Uint8Array = Uint8Array.of(ZERO);
  for (let i = 0; i < samples.length; i++) {
    // A byte loop: Buffer#copy costs more per call than these few dozen bytes.
    for (let k = 0; k < prefix.length; k++) out[at++] = prefix[k]!;
    for (let k = 0; k < indexDigits.length; k++) out[at++] = indexDigits[k]!;
    out[at++] = COMMA;
    at = writeValue(out, at, samples[i]!);
    out[at++] = NEWLINE;
    indexDigits = increment(indexDigits);
  }
  return at;
}

/** The decimal digits of one more than `digits` (in place when no digit is added). */
function increment(digits: Uint8Array): Uint8Array {
  for (let k = digits.length - 1; k >= 0; k--) {
    if (digits[k] !== ZERO + 9) {
      digits[k]! += 1;
      return digits;
    }
    digits[k] = ZERO;
  }
  const longer = new Uint8Array(digits.length + 1).fill(ZERO);
  longer[0] = ZERO + 1;
  return longer;
}

/** Characters String(x) takes for a non-negative safe integer (every raw sample), else its text's bytes. */
function decimalLength(x: number): number {
  if (!(Number.isSafeInteger(x) && x >= 0)) return Buffer.byteLength(String(x));
  let digits = 1;
  for (let rest = x; rest >= 10; rest = Math.floor(rest / 10)) digits += 1;
  return digits;
}

function widestValue(samples: ArrayLike<number>): number {
  let widest = 1;
  for (let i = 0; i < samples.length; i++) widest = Math.max(widest, decimalLength(samples[i]!));
  return widest;
}

/** Digits of one value, least significant first, before they are copied out in order. */
const scratch = new Uint8Array(20);

function writeValue(out: Uint8Array, start: number, x: number): number {
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

import type { BootStream } from '../analysis/figure-samples.js';
import { csvField } from './results-csv.js';

const HEADER = 'guest,boot,metric,index,raw_ticks\n';
const COMMA = 0x2c;
const NEWLINE = 0x0a;

/**
 * samples.csv: every raw sample of every boot, as the guest measured it (timer ticks, overhead not
 * subtracted). Written as bytes into one buffer sized beforehand and decoded once, because a string
 * per line (tens of bytes of heap each, then a join) made this file the report's largest cost at a
 * million samples; the text is the same, `prefix,index,value` lines with values as String() writes them.
 */
export function samplesCsv(streams: readonly BootStream[]): string {
  const parts: { prefix: Buffer; samples: ArrayLike<number> }[] = [];
  for (const { guest, boot, stream } of streams) {
    for (const bench of stream.benchmarks) {
      parts.push({ prefix: Buffer.from(`${csvField(guest)},${boot},${csvField(bench.metric)},`), samples: bench.samples });
    }
  }
  let size = HEADER.length;
  for (const { prefix, samples } of parts) {
    for (let i = 0; i < samples.length; i++) size += prefix.length + decimalLength(i) + decimalLength(samples[i]!) + 2;
  }
  const out = Buffer.allocUnsafe(size);
  let at = out.write(HEADER, 0, 'latin1');
  for (const { prefix, samples } of parts) {
    for (let i = 0; i < samples.length; i++) {
      // A byte loop: Buffer#copy costs more per call than these few dozen bytes.
      for (let k = 0; k < prefix.length; k++) out[at++] = prefix[k]!;
      at = writeDecimal(out, at, i);
      out[at++] = COMMA;
      at = writeDecimal(out, at, samples[i]!);
      out[at++] = NEWLINE;
    }
  }
  return out.toString('utf8', 0, at);
}

/** Characters String(x) takes: digits for a non-negative safe integer (every raw sample), else its text. */
function decimalLength(x: number): number {
  if (!(Number.isSafeInteger(x) && x >= 0)) return Buffer.byteLength(String(x));
  let digits = 1;
  for (let rest = x; rest >= 10; rest = Math.floor(rest / 10)) digits += 1;
  return digits;
}

function writeDecimal(out: Buffer, at: number, x: number): number {
  if (!(Number.isSafeInteger(x) && x >= 0)) return at + out.write(String(x), at);
  const end = at + decimalLength(x);
  let rest = x;
  for (let k = end - 1; k >= at; k--) {
    out[k] = 0x30 + (rest % 10);
    rest = Math.floor(rest / 10);
  }
  return end;
}

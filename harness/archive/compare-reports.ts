import type { RunFile } from '../report/run-files.js';
import { contentChunks } from '../report/run-file-content.js';
import { describeDifference, type LineDifference } from './first-difference.js';

export interface ReportComparison {
  name: string;
  identical: boolean;
  /** Regenerated, but the run (or archive) holds no such file. */
  absent?: boolean;
  /** Where the texts first differ; undefined when identical or absent. */
  difference?: LineDifference;
  /** Why not identical, naming the first differing line. */
  detail?: string;
}

/** The bytes of a held file, a chunk at a time; each call reads it afresh from its start. */
export type HeldBytes = () => AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/**
 * Compares a report file derived again from raw data with the one the run (or archive) holds, byte
 * for byte, both a chunk at a time: samples.csv grows with the samples (hundreds of megabytes at
 * 10^7), so neither side is ever held whole. `held` is undefined when there is no such file; `label`
 * names where the held files are, for messages: "archived" or "on disk". Where they differ, a second
 * pass finds the line and an excerpt of each side around the first differing byte.
 */
export async function compareReport({ name, content }: RunFile, held: HeldBytes | undefined, label: string): Promise<ReportComparison> {
  if (!held) return { name, identical: false, absent: true, detail: `regenerated from the raw data, but not ${label}` };
  const regenerated = () => contentChunks(content);
  const offset = await firstDifferingOffset(held(), regenerated());
  if (offset === undefined) return { name, identical: true };
  const { line, lineStart } = await lineOf(held(), offset);
  const difference: LineDifference = {
    line,
    column: offset - lineStart + 1,
    expected: await excerptAround(held(), lineStart, offset),
    got: await excerptAround(regenerated(), lineStart, offset),
  };
  return {
    name,
    identical: false,
    difference,
    detail: `regenerated from the raw data, differs: ${describeDifference(difference, { expected: label, got: 'regenerated' })}`,
  };
}

/** Reads chunks one at a time from either kind of iterable, each as a Buffer. */
function reader(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): () => Promise<Buffer | undefined> {
  const iterator = Symbol.asyncIterator in chunks ? chunks[Symbol.asyncIterator]() : chunks[Symbol.iterator]();
  return async () => {
    for (;;) {
      const next = await iterator.next();
      if (next.done) return undefined;
      if (next.value.length > 0) return Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
    }
  };
}

/** The offset of the first byte where two streams differ (one ending first included), or undefined when equal. */
export async function firstDifferingOffset(
  a: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  b: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): Promise<number | undefined> {
  const [nextA, nextB] = [reader(a), reader(b)];
  let [bufA, bufB] = [await nextA(), await nextB()];
  let [atA, atB, offset] = [0, 0, 0];
  for (;;) {
    if (bufA !== undefined && atA === bufA.length) [bufA, atA] = [await nextA(), 0];
    if (bufB !== undefined && atB === bufB.length) [bufB, atB] = [await nextB(), 0];
    if (bufA === undefined || bufB === undefined) return bufA === bufB ? undefined : offset;
    const length = Math.min(bufA.length - atA, bufB.length - atB);
    if (bufA.compare(bufB, atB, atB + length, atA, atA + length) !== 0) {
      let i = 0;
      while (bufA[atA + i] === bufB[atB + i]) i++;
      return offset + i;
    }
    [atA, atB, offset] = [atA + length, atB + length, offset + length];
  }
}

/** The 1-based line holding `offset` and where that line starts, counting newlines before it. */
async function lineOf(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, offset: number): Promise<{ line: number; lineStart: number }> {
  const next = reader(chunks);
  let [line, lineStart, at] = [1, 0, 0];
  for (let chunk = await next(); chunk !== undefined && at < offset; chunk = await next()) {
    const end = Math.min(chunk.length, offset - at);
    for (let nl = chunk.indexOf(10); nl !== -1 && nl < end; nl = chunk.indexOf(10, nl + 1)) [line, lineStart] = [line + 1, at + nl + 1];
    at += chunk.length;
  }
  return { line, lineStart };
}

const BEFORE = 30;
const AFTER = 70;

/** The line starting at `lineStart` around `offset` (30 bytes before, 70 after, as first-difference.ts shows), or undefined past the end. */
async function excerptAround(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, lineStart: number, offset: number): Promise<string | undefined> {
  const from = Math.max(lineStart, offset - BEFORE);
  const to = offset + AFTER + 1; // one more, to tell a line cut by the window from one that ends there
  const pieces: Buffer[] = [];
  const next = reader(chunks);
  let at = 0;
  for (let chunk = await next(); chunk !== undefined && at < to; chunk = await next()) {
    if (at + chunk.length > from) pieces.push(chunk.subarray(Math.max(0, from - at), Math.min(chunk.length, to - at)));
    at += chunk.length;
  }
  const bytes = Buffer.concat(pieces);
  if (bytes.length === 0 && lineStart === offset && at <= offset) return undefined;
  const newline = bytes.indexOf(10, offset - from);
  const line = newline === -1 ? bytes : bytes.subarray(0, newline);
  const cut = line.length > offset - from + AFTER;
  return `${from > lineStart ? '…' : ''}${line.subarray(0, offset - from + AFTER).toString('utf8')}${cut ? '…' : ''}`;
}

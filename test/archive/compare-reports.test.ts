import { expect } from 'chai';
import { compareReport, firstDifferingOffset, type HeldBytes } from '../../harness/archive/compare-reports.js';
import type { RunFile } from '../../harness/report/run-files.js';

const chunks = (...pieces: string[]): Iterable<Uint8Array> => ({ [Symbol.iterator]: () => pieces.map((p) => Buffer.from(p))[Symbol.iterator]() });

/** A held file served a few bytes at a time, as a stream from disk would be, in other pieces than the regenerated side's. */
const heldIn = (text: string, size = 7): HeldBytes =>
  async function* () {
    for (let at = 0; at < text.length; at += size) yield Buffer.from(text.slice(at, at + size));
  };

const SAMPLES = 'guest,boot,metric,index,raw_ticks\nlinux,1,m,0,400\nlinux,1,m,1,401\n';

describe('compareReport', () => {
  it('finds chunked content identical to the file held, byte for byte, as text content', async () => {
    const regenerated: RunFile[] = [
      { name: 'samples.csv', content: chunks('guest,boot,metric,index,raw_ticks\nlinux,1', ',m,0,400\n', 'linux,1,m,1,401\n') },
      { name: 'report.md', content: '# Run\n' },
    ];
    expect(await compareReport(regenerated[0]!, heldIn(SAMPLES), 'archived')).to.deep.equal({ name: 'samples.csv', identical: true });
    expect(await compareReport(regenerated[1]!, heldIn('# Run\n', 2), 'archived')).to.deep.equal({ name: 'report.md', identical: true });
  });

  it('names the first differing line and column, with both sides, for chunked content as for text', async () => {
    const text = 'guest,boot,metric,index,raw_ticks\nlinux,1,m,0,400\nlinux,1,m,1,402\n';
    const fromChunks = await compareReport({ name: 'samples.csv', content: chunks(text.slice(0, 40), text.slice(40)) }, heldIn(SAMPLES), 'archived');
    const fromText = await compareReport({ name: 'samples.csv', content: text }, heldIn(SAMPLES, 1000), 'archived');
    expect(fromChunks).to.deep.equal(fromText);
    expect(fromChunks.identical).to.equal(false);
    expect(fromChunks.difference).to.deep.equal({ line: 3, column: 15, expected: 'linux,1,m,1,401', got: 'linux,1,m,1,402' });
    expect(fromChunks.detail).to.equal(
      'regenerated from the raw data, differs: first differs at line 3, column 15: archived "linux,1,m,1,401", regenerated "linux,1,m,1,402"',
    );
  });

  it('shows a long line around where it differs, marked where it is cut', async () => {
    const long = `${'a'.repeat(500)}X${'b'.repeat(500)}\n`;
    const result = await compareReport({ name: 'report.md', content: long.replace('X', 'Y') }, heldIn(long), 'on disk');
    expect(result.difference).to.deep.equal({
      line: 1,
      column: 501,
      expected: `…${'a'.repeat(30)}X${'b'.repeat(69)}…`,
      got: `…${'a'.repeat(30)}Y${'b'.repeat(69)}…`,
    });
  });

  it('finds a chunked file that stops short, or goes on, different, saying which side has no such line', async () => {
    const short = await compareReport(
      { name: 'samples.csv', content: chunks('guest,boot,metric,index,raw_ticks\n', 'linux,1,m,0,400\n') },
      heldIn(SAMPLES),
      'on disk',
    );
    const long = await compareReport({ name: 'samples.csv', content: chunks(SAMPLES, 'linux,1,m,2,5\n') }, heldIn(SAMPLES), 'on disk');
    expect(short.difference).to.deep.equal({ line: 3, column: 1, expected: 'linux,1,m,1,401', got: undefined });
    expect(long.difference).to.deep.equal({ line: 4, column: 1, expected: undefined, got: 'linux,1,m,2,5' });
    expect(await compareReport({ name: 'results.csv', content: chunks('a') }, undefined, 'on disk')).to.include({ identical: false, absent: true });
  });

  it('compares streams of any chunking, empty chunks included, to the first differing byte', async () => {
    expect(await firstDifferingOffset(chunks('ab', '', 'cd'), chunks('a', 'bcd'))).to.equal(undefined);
    expect(await firstDifferingOffset(chunks('abcd'), chunks('ab', 'cX'))).to.equal(3);
    expect(await firstDifferingOffset(chunks('abc'), chunks('abcd'))).to.equal(3);
    expect(await firstDifferingOffset(chunks(), chunks(''))).to.equal(undefined);
  });
});

import { expect } from 'chai';
import { contentChunks, contentEquals, contentText } from '../../harness/report/run-file-content.js';

/** Re-iterable chunks of `text`, split at the given byte offsets. */
function chunked(text: string, cuts: number[]): Iterable<Uint8Array> {
  const bytes = Buffer.from(text);
  const edges = [0, ...cuts, bytes.length];
  const pieces = edges.slice(1).map((end, i) => new Uint8Array(bytes.subarray(edges[i], end)));
  return { [Symbol.iterator]: () => pieces.values() };
}

describe('report file content, text or chunks', () => {
  const text = 'guest,boot\nlinux,1\nsel4,2 é\n';
  const chunks = chunked(text, [3, 3, 11, 20]);

  it('gives the same bytes and text for text and for chunks of it', () => {
    expect(Buffer.concat([...contentChunks(text)]).toString()).to.equal(text);
    expect(contentText(chunks)).to.equal(text);
    expect(contentText(text)).to.equal(text);
  });

  it('compares chunks with bytes held, a chunk at a time: equal only when every byte is and the lengths agree', () => {
    const bytes = Buffer.from(text);
    expect(contentEquals(chunks, bytes)).to.equal(true);
    expect(contentEquals(text, bytes)).to.equal(true);
    expect(contentEquals(chunks, bytes.subarray(0, bytes.length - 1)), 'held shorter').to.equal(false);
    expect(contentEquals(chunks, Buffer.concat([bytes, Buffer.from('\n')])), 'held longer').to.equal(false);
    const changed = Buffer.from(bytes);
    changed[12] = 0x58; // inside the third chunk
    expect(contentEquals(chunks, changed)).to.equal(false);
    expect(contentEquals(chunked('', []), new Uint8Array(0))).to.equal(true);
    // A view into a larger buffer is compared from its own start.
    const padded = Buffer.concat([Buffer.from('xx'), bytes, Buffer.from('yy')]);
    expect(contentEquals(chunks, new Uint8Array(padded.buffer, padded.byteOffset + 2, bytes.length))).to.equal(true);
  });
});

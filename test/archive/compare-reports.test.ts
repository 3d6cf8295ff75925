import { expect } from 'chai';
import { compareReports } from '../../harness/archive/compare-reports.js';
import type { RunFile } from '../../harness/report/run-files.js';

const chunks = (...pieces: string[]): Iterable<Uint8Array> => ({ [Symbol.iterator]: () => pieces.map((p) => Buffer.from(p))[Symbol.iterator]() });

describe('compareReports', () => {
  const held = new Map<string, Uint8Array>([
    ['samples.csv', Buffer.from('guest,boot,metric,index,raw_ticks\nlinux,1,m,0,400\nlinux,1,m,1,401\n')],
    ['report.md', Buffer.from('# Run\n')],
  ]);

  it('finds chunked content identical to the file held, byte for byte, as text content', () => {
    const regenerated: RunFile[] = [
      { name: 'samples.csv', content: chunks('guest,boot,metric,index,raw_ticks\nlinux,1', ',m,0,400\n', 'linux,1,m,1,401\n') },
      { name: 'report.md', content: '# Run\n' },
    ];
    expect(compareReports(regenerated, held, 'archived')).to.deep.equal([
      { name: 'samples.csv', identical: true },
      { name: 'report.md', identical: true },
    ]);
  });

  it('names the first differing line of chunked content as it does for text', () => {
    const text = 'guest,boot,metric,index,raw_ticks\nlinux,1,m,0,400\nlinux,1,m,1,402\n';
    const fromChunks = compareReports([{ name: 'samples.csv', content: chunks(text.slice(0, 40), text.slice(40)) }], held, 'archived');
    const fromText = compareReports([{ name: 'samples.csv', content: text }], held, 'archived');
    expect(fromChunks).to.deep.equal(fromText);
    expect(fromChunks[0]!.identical).to.equal(false);
    expect(fromChunks[0]!.detail).to.match(/line 3, column 15/);
  });

  it('finds a chunked file that stops short, or goes on, different', () => {
    const [short] = compareReports([{ name: 'samples.csv', content: chunks('guest,boot,metric,index,raw_ticks\n', 'linux,1,m,0,400\n') }], held, 'on disk');
    const [long] = compareReports(
      [{ name: 'samples.csv', content: chunks('guest,boot,metric,index,raw_ticks\nlinux,1,m,0,400\nlinux,1,m,1,401\n', 'linux,1,m,2,5\n') }],
      held,
      'on disk',
    );
    expect(short!.identical).to.equal(false);
    expect(long!.identical).to.equal(false);
    expect(compareReports([{ name: 'results.csv', content: chunks('a') }], held, 'on disk')[0]).to.include({ identical: false, absent: true });
  });
});

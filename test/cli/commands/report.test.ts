import { expect } from 'chai';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFiles } from '../../../harness/cli/commands/report.js';
import type { RunFile } from '../../../harness/report/run-files.js';

const chunks = (...pieces: string[]): Iterable<Uint8Array> => ({ [Symbol.iterator]: () => pieces.map((p) => Buffer.from(p))[Symbol.iterator]() });

describe('harness report: writing the regenerated files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hb-report-write-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('says written, unchanged or rewritten, for text and for chunks, by comparing with the file before, a chunk at a time', async () => {
    const first: RunFile[] = [
      { name: 'report.md', content: '# Run\n' },
      { name: 'samples.csv', content: chunks('guest,boot\n', 'linux,1\n') },
    ];
    expect(await writeFiles(dir, first)).to.deep.equal(['report.md: written', 'samples.csv: written']);
    expect(await readFile(join(dir, 'samples.csv'), 'utf8')).to.equal('guest,boot\nlinux,1\n');
    // The same bytes in other chunks are the same file.
    const same: RunFile[] = [
      { name: 'report.md', content: chunks('# R', 'un\n') },
      { name: 'samples.csv', content: 'guest,boot\nlinux,1\n' },
    ];
    expect(await writeFiles(dir, same)).to.deep.equal(['report.md: unchanged', 'samples.csv: unchanged']);
    const changed: RunFile[] = [
      { name: 'report.md', content: '# Run\n' },
      { name: 'samples.csv', content: chunks('guest,boot\n', 'linux,1\n', 'linux,2\n') },
    ];
    expect(await writeFiles(dir, changed)).to.deep.equal(['report.md: unchanged', 'samples.csv: rewritten']);
    expect(await readFile(join(dir, 'samples.csv'), 'utf8')).to.equal('guest,boot\nlinux,1\nlinux,2\n');
    // Shorter (the old file goes on), and the same length with one byte changed: both rewritten.
    const shorter: RunFile[] = [{ name: 'samples.csv', content: chunks('guest,boot\n', 'linux,1\n') }];
    expect(await writeFiles(dir, shorter)).to.deep.equal(['samples.csv: rewritten']);
    const oneByte: RunFile[] = [{ name: 'samples.csv', content: chunks('guest,boot\n', 'linux,2\n') }];
    expect(await writeFiles(dir, oneByte)).to.deep.equal(['samples.csv: rewritten']);
    expect(await writeFiles(dir, oneByte)).to.deep.equal(['samples.csv: unchanged']);
    expect(await readFile(join(dir, 'samples.csv'), 'utf8')).to.equal('guest,boot\nlinux,2\n');
    expect((await readdir(dir)).sort()).to.deep.equal(['report.md', 'samples.csv']);
  });
});

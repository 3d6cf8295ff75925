import { expect } from 'chai';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { execa } from 'execa';
import { assignInChunks, MAX_TYPED_LINE, minixSourceArchive, shellQuote, uudecodeLines } from '../../../harness/guests/minix/transfer.js';

describe('MINIX source transfer', () => {
  it('packs guests/common and guests/minix the same way every time, as an archive tar can unpack', async () => {
    const first = await minixSourceArchive();
    const second = await minixSourceArchive();
    expect(first.sha256).to.equal(second.sha256);
    const dir = await mkdtemp(join(tmpdir(), 'hb-archive-'));
    try {
      await writeFile(join(dir, 'src.tar'), gunzipSync(first.data));
      await execa('tar', ['-xf', 'src.tar'], { cwd: dir });
      expect(await readdir(join(dir, 'minix'))).to.include.members(['hb_minix.c', 'hb_service.c', 'hb_service.conf']);
      expect(await readdir(join(dir, 'common'))).to.include.members(['wire.h', 'wire_emit.c']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('writes a begin-base64 here-document whose body decodes to the data, in short lines', () => {
    const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff));
    const lines = uudecodeLines(data, '/root/hb/src.tgz');
    expect(lines[0]).to.equal("uudecode -o /root/hb/src.tgz <<'HB_EOF'; echo hb-rc=$?");
    expect(lines[1]).to.equal('begin-base64 644 src.tgz');
    expect(lines.slice(-2)).to.deep.equal(['====', 'HB_EOF']);
    const body = lines.slice(2, -2);
    expect(Buffer.from(body.join(''), 'base64').equals(data)).to.equal(true);
    for (const line of body) expect(line.length).to.be.at.most(76);
  });

  it('quotes shell words only when needed', () => {
    expect(shellQuote('hb.iterations=10')).to.equal('hb.iterations=10');
    expect(shellQuote('hb.bench=*')).to.equal("'hb.bench=*'");
    expect(shellQuote("it's")).to.equal("'it'\\''s'");
  });

  it('splits a long assignment into lines the MINIX tty keeps', () => {
    const words = Array.from({ length: 40 }, (_, i) => `minix/source_file_${i}.c`);
    const lines = assignInChunks('S', words);
    expect(lines.length).to.be.greaterThan(1);
    expect(lines[0]).to.match(/^S='minix\/source_file_0\.c /);
    expect(lines[1]).to.match(/^S="\$S minix\//);
    for (const line of lines) expect(line.length).to.be.at.most(MAX_TYPED_LINE);
    const joined = lines.map((l) => l.replace(/^S='|^S="\$S |['"]$/g, '')).join(' ');
    expect(joined).to.equal(words.join(' '));
  });

  it('keeps a short assignment on one line', () => {
    expect(assignInChunks('F', ['-O2', '-Icommon'])).to.deep.equal(["F='-O2 -Icommon'"]);
  });
});

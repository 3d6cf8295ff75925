import { expect } from 'chai';
import { execa } from 'execa';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { elfSymbols, formatText, textSection } from '../../harness/guests/symbols.js';

describe('@host ELF symbols for the anatomy (nm, readelf)', () => {
  let dir: string;
  const entry = { space: 'user' as const, prefix: 'payload:', description: 'test' };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hb-symbols-'));
    await writeFile(join(dir, 'a.c'), 'int hb_marked(int x) { return x + 1; }\nint main(void) { return hb_marked(0); }\n');
    await execa('gcc', ['-O1', '-static', '-no-pie', '-o', join(dir, 'a'), join(dir, 'a.c')]);
    await copyFile(join(dir, 'a'), join(dir, 'stripped'));
    await execa('strip', [join(dir, 'stripped')]);
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads an ELF symbols as nm -n prints them', async () => {
    const symbols = await elfSymbols(join(dir, 'a'), entry);
    expect(symbols.missing).to.equal(undefined);
    expect(symbols.nmText).to.match(/^[0-9a-f]+ T hb_marked$/m);
  });

  it('says a stripped or absent ELF has no symbols instead of failing', async () => {
    expect((await elfSymbols(join(dir, 'stripped'), entry)).missing).to.match(/has no symbols \(stripped\)$/);
    expect((await elfSymbols(join(dir, 'none'), entry)).missing).to.match(/^nm -n .*none failed: /);
  });

  it('reads .text from the section headers, stripped or not', async () => {
    const text = await textSection(join(dir, 'a'));
    expect((text?.size ?? 0n) > 0n).to.equal(true);
    expect(formatText(await textSection(join(dir, 'stripped')))).to.equal(formatText(text));
    expect(await textSection(join(dir, 'none'))).to.equal(undefined);
  });
});

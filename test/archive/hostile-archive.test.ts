import { expect } from 'chai';
import { createWriteStream } from 'node:fs';
import { lstat, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { Header } from 'tar';
import { archiveRun } from '../../harness/archive/archive-run.js';
import { formatSha256Sums, SHA256SUMS } from '../../harness/archive/sha256sums.js';
import { defaultBudget } from '../../harness/archive/tarball.js';
import { verifyArchive } from '../../harness/archive/verify-archive.js';
import { writeSyntheticRun } from './synthetic-run.js';
import { flipByte, tamper } from './tamper.js';

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  expect.fail('expected a rejection');
}

/** A tar block (header and padding) for one file entry of `size` bytes. */
function header(path: string, size: number): Buffer {
  const block = Buffer.alloc(512);
  new Header({ path, mode: 0o644, size, mtime: new Date(0), type: 'File' }).encode(block, 0);
  return block;
}

/**
 * A gzip bomb: run/manifest.json, then `entries` files of `size` zero bytes each, gzipped. Written
 * as a stream, so the test itself never holds an entry.
 */
async function writeBomb(file: string, entries: number, size: number, level = 1): Promise<void> {
  async function* tarStream(): AsyncGenerator<Buffer> {
    const manifest = Buffer.from('{}');
    yield header('run/manifest.json', manifest.length);
    yield Buffer.concat([manifest, Buffer.alloc(512 - manifest.length)]);
    const zeros = Buffer.alloc(1 << 20);
    for (let i = 0; i < entries; i++) {
      yield header(`run/zeros-${i}.bin`, size);
      for (let left = size; left > 0; left -= zeros.length) yield left >= zeros.length ? zeros : zeros.subarray(0, left);
      if (size % 512) yield Buffer.alloc(512 - (size % 512));
    }
    yield Buffer.alloc(1024);
  }
  await pipeline(tarStream(), createGzip({ level }), createWriteStream(file));
}

/** verify's temporary folders left in the temporary directory. */
async function verifyFolders(): Promise<string[]> {
  return (await readdir(tmpdir())).filter((name) => name.startsWith('hb-verify-'));
}

/** Peak RSS growth while `run` runs, sampled every 5 ms. */
async function peakRssGrowth(run: () => Promise<unknown>): Promise<number> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  try {
    await run().catch(() => undefined);
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, process.memoryUsage().rss) - before;
}

describe('hostile archives and archive outputs', function () {
  this.timeout(120_000);
  let root: string;
  let runDir: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'hb-hostile-archive-'));
    runDir = await writeSyntheticRun(join(root, 'results'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  describe('verify of a gzip bomb', () => {
    it('refuses an entry of 1 GiB of zeros in a 1 MB archive (gzip -9) once it expands 1000 times, having written nothing', async () => {
      const bomb = join(root, 'bomb.tar.gz');
      await writeBomb(bomb, 1, 2 ** 30, 9);
      expect((await stat(bomb)).size).to.be.below(1.2 * 2 ** 20);
      const before = await verifyFolders();
      let error: Error | undefined;
      const growth = await peakRssGrowth(async () => (error = await rejection(verifyArchive(bomb))));
      expect(error!.message).to.match(
        /^refusing archive .*bomb\.tar\.gz: entry "run\/zeros-0\.bin" expands beyond 1000 times the compressed bytes read so far \(a gzip bomb; docs\/archive\.md\)$/,
      );
      expect(growth).to.be.below(64 * 2 ** 20);
      expect(await verifyFolders()).to.deep.equal(before);
    });

    it('refuses an entry of 1 GiB of zeros (gzip -1, 200 times smaller) at its header, beyond the budget, having written nothing', async () => {
      const bomb = join(root, 'bomb1.tar.gz');
      await writeBomb(bomb, 1, 2 ** 30, 1);
      const budget = defaultBudget((await stat(bomb)).size).totalBytes;
      expect(budget).to.be.below(2 ** 30);
      const before = await verifyFolders();
      let error: Error | undefined;
      const growth = await peakRssGrowth(async () => (error = await rejection(verifyArchive(bomb))));
      expect(error!.message).to.equal(
        `refusing archive ${bomb}: entry "run/zeros-0.bin" expands beyond ${budget} bytes (1073741824 bytes declared, after 2 bytes of other entries): ` +
          "more than the archive's expansion budget (docs/archive.md); a larger budget can be given with --max-expanded-bytes",
      );
      expect(growth).to.be.below(64 * 2 ** 20);
      expect(await verifyFolders()).to.deep.equal(before);
    });

    it('refuses three entries whose sum passes the budget, at the one that passes it', async () => {
      const bomb = join(root, 'bomb3.tar.gz');
      await writeBomb(bomb, 3, 100 * 2 ** 20);
      const budget = defaultBudget((await stat(bomb)).size).totalBytes;
      expect(budget).to.be.within(209715202, 3 * 104857600);
      expect((await rejection(verifyArchive(bomb))).message).to.include(
        `entry "run/zeros-2.bin" expands beyond ${budget} bytes (104857600 bytes declared, after 209715202 bytes of other entries)`,
      );
    });

    it('refuses an entry of 5 GiB (beyond what one Buffer holds) at its header, naming it, not with a zlib error', async () => {
      // The header declares 5 GiB; 1 MiB of it follows: a verify that read on would fail at the
      // archive's end, and one that held the entry (the former code) with "Cannot create a Buffer larger than ...".
      const bomb = join(root, 'bomb5g.tar.gz');
      const manifest = Buffer.from('{}');
      await pipeline(
        (function* () {
          yield header('run/manifest.json', manifest.length);
          yield Buffer.concat([manifest, Buffer.alloc(512 - manifest.length)]);
          yield header('run/zeros-0.bin', 5 * 2 ** 30);
          yield Buffer.alloc(2 ** 20);
        })(),
        createGzip({ level: 9 }),
        createWriteStream(bomb),
      );
      const budget = defaultBudget((await stat(bomb)).size).totalBytes;
      const before = await verifyFolders();
      const error = await rejection(verifyArchive(bomb));
      expect(error.message).to.equal(
        `refusing archive ${bomb}: entry "run/zeros-0.bin" expands beyond ${budget} bytes (5368709120 bytes declared, after 2 bytes of other entries): ` +
          "more than the archive's expansion budget (docs/archive.md); a larger budget can be given with --max-expanded-bytes",
      );
      expect(error.message).not.to.include('Buffer');
      expect(await verifyFolders()).to.deep.equal(before);
    });

    it('streams entries within the budget to disk: 200 MiB of zeros take far less memory than that', async () => {
      const bomb = join(root, 'bomb-within.tar.gz');
      await writeBomb(bomb, 1, 200 * 2 ** 20);
      let result: Awaited<ReturnType<typeof verifyArchive>> | undefined;
      const growth = await peakRssGrowth(async () => (result = await verifyArchive(bomb)));
      expect(growth).to.be.below(100 * 2 ** 20);
      expect(result!.failures).to.include(`zeros-0.bin: expected a line in ${SHA256SUMS}, got none (a file added after archiving?)`);
    });

    it('takes a smaller budget when given one, naming it', async () => {
      const archive = (await archiveRun(runDir, { output: join(root, 'small-budget.tar.gz') })).file;
      expect((await rejection(verifyArchive(archive, { budget: { totalBytes: 1000 } }))).message).to.match(/: entry "[^"]+" expands beyond 1000 bytes \(/);
    });
  });

  it('verify refuses an archive whose samples pass the memory bound, counted before any is held, leaving no temporary folder', async () => {
    // 2 boots of 40,000 samples; 257 MiB allows (257 - 256) * 2^20 / 24 = 43,690.
    const dir = await writeSyntheticRun(join(root, 'many-samples'), { samplesPerBoot: 40_000 });
    const archive = (await archiveRun(dir, { output: join(root, 'many-samples.tar.gz') })).file;
    const before = await verifyFolders();
    expect((await rejection(verifyArchive(archive, { maxMemoryMiB: 257 }))).message).to.equal(
      `refusing archive ${archive}: it holds 80000 samples, beyond the 257 MiB memory bound ` +
        '(at most 43690 samples: 256 MiB + 24 B a sample; docs/archive.md); a larger bound can be given with --max-memory-mib',
    );
    expect(await verifyFolders()).to.deep.equal(before);
    expect((await verifyArchive(archive, { maxMemoryMiB: 258 })).failures).to.deep.equal([]);
  });

  it('archive copies and hashes run files as streams: a 150 MiB console.log takes far less memory than that', async () => {
    const dir = await writeSyntheticRun(join(root, 'big-console'));
    const log = join(dir, 'guests/linux/boot-1/console.log');
    await pipeline(
      (function* () {
        for (let i = 0; i < 150; i++) yield Buffer.alloc(2 ** 20, 0x61);
      })(),
      createWriteStream(log),
    );
    let file: string | undefined;
    const growth = await peakRssGrowth(async () => (file = (await archiveRun(dir, { output: join(root, 'big-console.tar.gz') })).file));
    expect(file).to.equal(join(root, 'big-console.tar.gz'));
    expect(growth).to.be.below(100 * 2 ** 20);
  });

  describe('archive -o', () => {
    it('refuses an output inside the run reached through a link to it', async () => {
      const link = join(root, 'link-to-run');
      await symlink(runDir, link);
      const error = await rejection(archiveRun(runDir, { output: join(link, 'x.tgz') }));
      expect(error.message).to.equal(
        `expected the archive to be written outside the run directory ${runDir}, got ${join(link, 'x.tgz')} (${join(runDir, 'x.tgz')} once links are resolved)`,
      );
      expect(await lstat(join(runDir, 'x.tgz')).catch(() => 'none')).to.equal('none');
    });

    it('refuses to overwrite an existing file unless forced', async () => {
      const other = join(root, 'unrelated.txt');
      await writeFile(other, 'keep me\n');
      expect((await rejection(archiveRun(runDir, { output: other }))).message).to.equal(
        `expected no file at ${other}, got one already: pass --force to replace it, or choose another -o`,
      );
      expect(await readFile(other, 'utf8')).to.equal('keep me\n');
      await archiveRun(runDir, { output: other, force: true });
      expect((await readFile(other)).subarray(0, 2)).to.deep.equal(Buffer.from([0x1f, 0x8b]));
    });
  });

  it('archive names an edited config copy as the cause', async () => {
    const dir = await writeSyntheticRun(join(root, 'edited-config'));
    await writeFile(join(dir, 'config.yaml'), `${await readFile(join(dir, 'config.yaml'), 'utf8')}# edited\n`);
    expect((await rejection(archiveRun(dir))).message).to.match(
      /config\.yaml to be the config the run was started with \(manifest\.json config\.sha256 [0-9a-f]{64}\), got one with SHA-256 [0-9a-f]{64}: the copy was edited since the run$/,
    );
  });

  it('verify names a data.bin with one flipped bit (checksums updated) and the offset of its record', async () => {
    const archive = (await archiveRun(runDir, { output: join(root, 'for-flip.tar.gz') })).file;
    const flipped = join(root, 'flipped.tar.gz');
    await tamper(archive, flipped, (files) => {
      flipByte(files, 'guests/linux/boot-1/data.bin', 200);
      const covered = [...files].filter(([path]) => path !== SHA256SUMS).map(([path, bytes]) => ({ path, bytes }));
      files.set(SHA256SUMS, Buffer.from(formatSha256Sums(covered)));
    });
    const result = await verifyArchive(flipped);
    expect(result.files.every((f) => f.checksum === 'ok' || f.checksum === 'list')).to.equal(true);
    expect(result.failures[0]).to.match(
      /^guests\/linux\/boot-1\/data\.bin: does not read as the runner read it \(manifest\.json boot 1 done\): data channel at byte \d+: /,
    );
    expect(result.damaged).to.have.length(1);
  });
});

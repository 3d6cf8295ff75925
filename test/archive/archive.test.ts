import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tar from 'tar';
import { archiveRun } from '../../harness/archive/archive-run.js';
import { readTarball } from '../../harness/archive/tarball.js';
import { parseSha256Sums } from '../../harness/archive/sha256sums.js';
import { sha256Hex } from '../../harness/hash.js';
import { verifyArchive } from '../../harness/archive/verify-archive.js';
import { adapterById, recordedAdapter } from '../../harness/guests/registry.js';
import { REPORT_FILES } from '../../harness/report/run-files.js';
import { SYNTHETIC_RUN_ID, writeSyntheticRun } from './synthetic-run.js';
import { flipByte, tamper } from './tamper.js';
import { regenerateRunFiles } from '../../harness/report/regenerate.js';
import { contentText } from '../../harness/report/run-file-content.js';
import { linuxAnatomy } from '../report/anatomy-fixture.js';

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  expect.fail('expected a rejection');
}

describe('harness archive and verify', function () {
  this.timeout(60_000);
  let root: string;
  let runDir: string;
  let archive: string;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'hb-archive-test-'));
    runDir = await writeSyntheticRun(join(root, 'results'));
    archive = (await archiveRun(runDir)).file;
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  describe('archive', () => {
    it('writes <run dir>.tar.gz beside the run directory by default', () => {
      expect(archive).to.equal(`${runDir}.tar.gz`);
    });

    it('holds every file of the run under a folder named after the run id, with ARTIFACT.md and SHA256SUMS', async () => {
      const { topFolder, files } = await readTarball(archive);
      expect(topFolder).to.equal(SYNTHETIC_RUN_ID);
      expect([...files.keys()].sort()).to.deep.equal(
        [
          'ARTIFACT.md',
          'SHA256SUMS',
          'config.yaml',
          'guests/linux/boot-1/console.log',
          'guests/linux/boot-1/data.bin',
          'guests/linux/boot-2/console.log',
          'guests/linux/boot-2/data.bin',
          'manifest.json',
          ...REPORT_FILES,
          'results.schema.json',
        ].sort(),
      );
      for (const [path, bytes] of files) {
        if (path === 'ARTIFACT.md' || path === 'SHA256SUMS') continue;
        expect(bytes.equals(await readFile(join(runDir, path))), path).to.equal(true);
      }
    });

    it('writes SHA256SUMS in sha256sum format over every other file', async () => {
      const { files } = await readTarball(archive);
      const text = files.get('SHA256SUMS')!.toString('utf8');
      expect(text).to.match(/^([0-9a-f]{64} {2}\S+\n)+$/);
      const sums = parseSha256Sums(text);
      expect([...sums.keys()].sort()).to.deep.equal([...files.keys()].filter((p) => p !== 'SHA256SUMS').sort());
      for (const [path, hex] of sums) expect(sha256Hex(files.get(path)!), path).to.equal(hex);
    });

    it('stores sorted entries with the run start as mtime, uid/gid 0, no user names, and a gzip header without timestamp', async () => {
      const headers: { path: string; mtime?: Date; uid?: number; gid?: number; uname?: string; gname?: string; mode?: number }[] = [];
      await tar.list({
        file: archive,
        onReadEntry: (e) => headers.push({ path: e.path, mtime: e.mtime, uid: e.uid, gid: e.gid, uname: e.uname, gname: e.gname, mode: e.mode }),
      });
      expect(headers.map((h) => h.path)).to.deep.equal([...headers.map((h) => h.path)].sort());
      expect(headers[0]!.path).to.equal(`${SYNTHETIC_RUN_ID}/`);
      for (const h of headers) {
        expect(h.uid ?? 0, h.path).to.equal(0);
        expect(h.gid ?? 0, h.path).to.equal(0);
        expect(h.uname ?? '', h.path).to.equal('');
        expect(h.gname ?? '', h.path).to.equal('');
        if (!h.path.endsWith('/')) {
          expect(h.mtime?.toISOString(), h.path).to.equal('2026-01-02T03:04:05.000Z');
          expect(h.mode, h.path).to.equal(0o644);
        }
      }
      const gzip = await readFile(archive);
      expect(gzip.readUInt32LE(4), 'gzip MTIME').to.equal(0);
    });

    it("gives the same bytes when the same run is archived twice, whatever the files' mtimes", async () => {
      const again = join(root, 'again.tar.gz');
      await utimes(join(runDir, 'samples.csv'), new Date('2030-05-05'), new Date('2030-05-05'));
      const second = await archiveRun(runDir, { output: again });
      expect((await readFile(again)).equals(await readFile(archive))).to.equal(true);
      expect(second.sha256).to.equal(sha256Hex(await readFile(archive)));
    });

    it('says in ARTIFACT.md what was run, how to rerun it, how to regenerate the tables, and which file holds what', async () => {
      const readme = (await readTarball(archive)).files.get('ARTIFACT.md')!.toString('utf8');
      expect(readme).to.match(/^# Artifact: benchmark run 2026-01-02T03-04-05Z-synthetic-abc123$/m);
      expect(readme).to.include('0123456789abcdef0123456789abcdef01234567');
      expect(readme).to.include('tcg-icount (asked for tcg-icount: tcg-icount was asked for)');
      expect(readme).to.include('| linux | linux | done | tcg-icount | 1 | 2 |');
      expect(readme).to.include('npx harness run config.yaml --accel tcg-icount');
      expect(readme).to.include(`npx harness verify ${SYNTHETIC_RUN_ID}.tar.gz`);
      expect(readme).to.include(`npx harness report ${SYNTHETIC_RUN_ID}`);
      expect(readme).to.include('| `guests/linux/boot-2/data.bin` | Raw data channel');
      expect(readme).to.include('bootstrap:\n  resamples: 200');
      expect(readme).not.to.match(/seL4|MINIX 3\*\*/);
      expect(readme).not.to.match(/Incomplete run/);
    });

    it('refuses a directory without manifest.json, saying what it expected and what it got', async () => {
      const dir = join(root, 'not-a-run');
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'notes.txt'), 'x');
      const error = await rejection(archiveRun(dir));
      expect(error.message).to.equal(`expected manifest.json in ${dir} (every run directory has one), got notes.txt`);
      expect((await rejection(archiveRun(join(root, 'nowhere')))).message).to.match(/expected a run directory at .*nowhere, got nothing readable there/);
    });

    it('refuses a run whose data.bin is missing or shorter than the manifest says, naming it', async () => {
      const dir = await writeSyntheticRun(join(root, 'missing-data'));
      await unlink(join(dir, 'guests/linux/boot-2/data.bin'));
      expect((await rejection(archiveRun(dir))).message).to.match(/got none at guests\/linux\/boot-2\/data\.bin$/);
      await writeFile(join(dir, 'guests/linux/boot-2/data.bin'), 'short');
      expect((await rejection(archiveRun(dir))).message).to.match(/expected at least \d+ bytes in .*boot-2\/data\.bin \(manifest dataBytes\), got 5/);
    });

    it('refuses a run whose reports are not what its raw data gives, naming the file and line', async () => {
      const dir = await writeSyntheticRun(join(root, 'edited-report'));
      const report = await readFile(join(dir, 'report.md'), 'utf8');
      await writeFile(join(dir, 'report.md'), report.replace(/\n/, '\nedited by hand\n'));
      const error = await rejection(archiveRun(dir));
      expect(error.message).to.match(
        /harness verify would fail on the archive\), got: report\.md: regenerated from the raw data, differs: first differs at line 2, column 1: on disk "edited by hand"/,
      );
      expect(error.message).to.include(`harness report ${dir}`);
    });

    it('refuses symbolic links in the run directory', async () => {
      const dir = await writeSyntheticRun(join(root, 'with-link'));
      await symlink('/etc/passwd', join(dir, 'guests/linux/passwd'));
      expect((await rejection(archiveRun(dir))).message).to.match(/got a symbolic link at guests\/linux\/passwd$/);
    });

    it('refuses to write the archive inside the run directory', async () => {
      expect((await rejection(archiveRun(runDir, { output: join(runDir, 'x.tar.gz') }))).message).to.match(
        /expected the archive to be written outside the run directory/,
      );
    });

    it("archives a run from before reach and variant (os: linux-disk), its reports regenerated byte-identical, with the adapters' notes", async () => {
      const dir = await writeSyntheticRun(join(root, 'former-os'), { os: 'linux-disk' });
      const result = await archiveRun(dir, { notes: (guest) => recordedAdapter(guest)?.reproduction });
      const files = (await readTarball(result.file)).files;
      expect(JSON.parse(files.get('results.json')!.toString('utf8')).results[0].os).to.equal('linux-disk');
      const readme = files.get('ARTIFACT.md')!.toString('utf8');
      expect(readme).to.contain('- **Debian disk image** (linux): the harness builds it itself from Debian packages');
      expect((await verifyArchive(result.file)).failures).to.deep.equal([]);
    });

    it('says how to get the image again from the adapter of each guest that ran', async () => {
      const result = await archiveRun(runDir, { output: join(root, 'with-notes.tar.gz'), notes: (guest) => recordedAdapter(guest)?.reproduction });
      const readme = (await readTarball(result.file)).files.get('ARTIFACT.md')!.toString('utf8');
      expect(readme).to.contain(`Guest images:\n\n- **Linux** (linux): ${adapterById('linux')!.reproduction.text}`);
    });

    it('archives an incomplete run only when allowed, and ARTIFACT.md says so', async () => {
      const dir = await writeSyntheticRun(join(root, 'incomplete'), { complete: false });
      const error = await rejection(archiveRun(dir));
      expect(error.message).to.match(
        /^expected a complete run in .* \(manifest\.json complete: true\), got complete: false; failed: linux \(boot 3 timed out \(synthetic\)\)\. Archive it anyway with --allow-incomplete/,
      );
      const result = await archiveRun(dir, { allowIncomplete: true });
      expect(result.complete).to.equal(false);
      const readme = (await readTarball(result.file)).files.get('ARTIFACT.md')!.toString('utf8');
      expect(readme).to.match(/> \*\*Incomplete run\.\*\* The manifest records `complete: false`: guest linux failed/);
      expect((await verifyArchive(result.file)).failures).to.deep.equal([]);
    });

    it('leaves out temporary files of an interrupted write and replaces an old ARTIFACT.md, saying so', async () => {
      const dir = await writeSyntheticRun(join(root, 'leftovers'));
      await writeFile(join(dir, 'manifest.json.tmp-1234'), '{"half');
      await writeFile(join(dir, 'ARTIFACT.md'), 'old');
      const result = await archiveRun(dir);
      expect(result.leftOut).to.deep.equal([
        { path: 'ARTIFACT.md', why: 'the archive writes its own' },
        { path: 'manifest.json.tmp-1234', why: 'temporary file of an interrupted write' },
      ]);
      const { files } = await readTarball(result.file);
      expect(files.has('manifest.json.tmp-1234')).to.equal(false);
      expect(files.get('ARTIFACT.md')!.toString()).to.match(/^# Artifact/);
    });
  });

  describe('verify', () => {
    it('passes on an untouched archive: every checksum, every report regenerated byte-identical', async () => {
      const result = await verifyArchive(archive);
      expect(result.failures).to.deep.equal([]);
      expect(result.runId).to.equal(SYNTHETIC_RUN_ID);
      expect(result.commit).to.equal('0123456789abcdef0123456789abcdef01234567');
      expect(result.files.filter((f) => f.checksum !== 'ok' && f.checksum !== 'list')).to.deep.equal([]);
      expect(
        result.files
          .filter((f) => f.regenerated?.identical)
          .map((f) => f.path)
          .sort(),
      ).to.deep.equal([...REPORT_FILES].sort());
    });

    it('fails on a changed byte in samples.csv, naming the file: checksum and regenerated line', async () => {
      const bad = join(root, 'bad-samples.tar.gz');
      await tamper(archive, bad, (files) => flipByte(files, 'samples.csv', files.get('samples.csv')!.lastIndexOf(',') + 1));
      const { failures } = await verifyArchive(bad);
      expect(failures).to.have.length(2);
      expect(failures[0]).to.match(/^samples\.csv: checksum mismatch: expected [0-9a-f]{64} \(SHA256SUMS\), got [0-9a-f]{64}$/);
      expect(failures[1]).to.match(
        /^samples\.csv: regenerated from the raw data, differs: first differs at line \d+, column \d+: archived ".*", regenerated ".*"$/,
      );
    });

    it('fails on a changed byte in a data.bin, naming it, and the reports that no longer follow from it', async () => {
      const bad = join(root, 'bad-data.tar.gz');
      // A sample byte of the second boot (after the BENCH_BEGIN record).
      await tamper(archive, bad, (files) => flipByte(files, 'guests/linux/boot-2/data.bin', 300));
      const { failures } = await verifyArchive(bad);
      expect(failures[0]).to.match(/^guests\/linux\/boot-2\/data\.bin: checksum mismatch/);
      expect(failures.slice(1).join('\n')).to.match(/samples\.csv: regenerated from the raw data, differs/);
    });

    it('fails on a changed byte in report.md, naming it and the first differing line', async () => {
      const bad = join(root, 'bad-report.tar.gz');
      await tamper(archive, bad, (files) => files.set('report.md', Buffer.from(files.get('report.md')!.toString().replace('Benchmark run', 'Benchmark ran'))));
      const { failures } = await verifyArchive(bad);
      expect(failures).to.deep.equal([
        failures[0],
        `report.md: regenerated from the raw data, differs: first differs at line 1, column 14: archived "# Benchmark ran ${SYNTHETIC_RUN_ID}", regenerated "# Benchmark run ${SYNTHETIC_RUN_ID}"`,
      ]);
      expect(failures[0]).to.match(/^report\.md: checksum mismatch/);
    });

    it('fails on a file not listed in SHA256SUMS and on a listed file that is missing', async () => {
      const bad = join(root, 'bad-listing.tar.gz');
      await tamper(archive, bad, (files) => {
        files.set('extra.txt', Buffer.from('added later'));
        files.delete('guests/linux/boot-1/console.log');
      });
      const { failures } = await verifyArchive(bad);
      expect(failures).to.deep.equal([
        'extra.txt: expected a line in SHA256SUMS, got none (a file added after archiving?)',
        'guests/linux/boot-1/console.log: listed in SHA256SUMS, got no such file in the archive',
      ]);
    });

    it('rejects an archive with a ../ entry, naming it, without writing anything outside', async () => {
      const staging = join(root, 'evil-staging');
      await mkdir(join(staging, 'run'), { recursive: true });
      await writeFile(join(staging, 'run', 'manifest.json'), '{}');
      await writeFile(join(staging, 'evil'), 'pwned');
      const bad = join(root, 'evil.tar.gz');
      await tar.create({ file: bad, cwd: join(staging, 'run'), gzip: true, preservePaths: true }, ['manifest.json', '../evil']);
      await rm(join(staging, 'evil'));
      const error = await rejection(verifyArchive(bad));
      expect(error.message).to.match(/^refusing archive .*evil\.tar\.gz: .*entry "\.\.\/evil": expected a relative path without '\.\.'/);
      expect(existsSync(join(staging, 'evil'))).to.equal(false);
    });

    it('rejects absolute paths and symbolic links, naming the entry', async () => {
      const staging = join(root, 'link-staging');
      await mkdir(join(staging, 'run'), { recursive: true });
      await writeFile(join(staging, 'run', 'manifest.json'), '{}');
      await symlink('/etc/passwd', join(staging, 'run', 'passwd'));
      const linked = join(root, 'link.tar.gz');
      await tar.create({ file: linked, cwd: staging, gzip: true }, ['run']);
      expect((await rejection(verifyArchive(linked))).message).to.match(
        /entry "run\/passwd": expected a file or folder, got a SymbolicLink to "\/etc\/passwd"/,
      );

      const absolute = join(root, 'absolute.tar.gz');
      await tar.create({ file: absolute, cwd: staging, gzip: true, preservePaths: true }, [join(staging, 'run', 'manifest.json')]);
      expect((await rejection(verifyArchive(absolute))).message).to.include(`entry "${join(staging, 'run', 'manifest.json')}": expected a relative path`);
    });

    it('refuses a manifest that names raw data outside the archive', async () => {
      const bad = join(root, 'bad-manifest.tar.gz');
      await tamper(archive, bad, (files) => {
        const manifest = JSON.parse(files.get('manifest.json')!.toString()) as { config: { copy: string } };
        manifest.config.copy = '../../../etc/hostname';
        files.set('manifest.json', Buffer.from(JSON.stringify(manifest)));
      });
      const result = await verifyArchive(bad);
      expect(result.failures.at(-1)).to.equal(
        'reports: expected them to regenerate from the archived raw data, got an error: expected manifest.json to name files inside the run folder, got "../../../etc/hostname"',
      );
    });

    it('says so when the archive is not a tarball at all', async () => {
      const bad = join(root, 'garbage.tar.gz');
      await writeFile(bad, Buffer.alloc(2048, 7));
      expect((await rejection(verifyArchive(bad))).message).to.match(/expected a gzipped tar archive at .*garbage\.tar\.gz, got one that does not read/);
      expect((await rejection(verifyArchive(join(root, 'none.tar.gz')))).message).to.match(
        /^expected an archive at .*none\.tar\.gz, got nothing readable there$/,
      );
    });
  });

  describe('with a cost anatomy (guests/<name>/anatomy.json, a raw input)', () => {
    let anatomyRun: string;
    let anatomyArchive: string;
    before(async () => {
      anatomyRun = await writeSyntheticRun(join(root, 'anatomy'), { anatomy: linuxAnatomy() });
      anatomyArchive = (await archiveRun(anatomyRun, { output: join(root, 'anatomy.tar.gz') })).file;
    });

    it('has its section in report.md and report.html, regenerated byte-identical from the raw data', async () => {
      const onDisk = await readFile(join(anatomyRun, 'report.md'), 'utf8');
      expect(onDisk).to.include('## Cost anatomy');
      expect(onDisk).to.include('| ipc.roundtrip.futex.thread.same | 10000 | 1 | 10006.1 | 66 / 9940.1 | syscall 4, sysret 4 | 8 | 5500 | — |');
      expect(await readFile(join(anatomyRun, 'report.html'), 'utf8')).to.include('<section id="cost-anatomy">');
      const regenerated = await regenerateRunFiles(anatomyRun);
      expect(regenerated.map((f) => f.name)).to.deep.equal([...REPORT_FILES]);
      for (const file of regenerated) expect(contentText(file.content) === (await readFile(join(anatomyRun, file.name), 'utf8')), file.name).to.equal(true);
    });

    it('archives the document, described in ARTIFACT.md, and verify passes', async () => {
      const { files } = await readTarball(anatomyArchive);
      expect(files.get('guests/linux/anatomy.json')!.equals(await readFile(join(anatomyRun, 'guests/linux/anatomy.json')))).to.equal(true);
      expect(files.get('ARTIFACT.md')!.toString()).to.include("| `guests/linux/anatomy.json` | The guest's cost anatomy (docs/anatomy.md)");
      const result = await verifyArchive(anatomyArchive);
      expect(result.failures).to.deep.equal([]);
      expect(result.files.find((f) => f.path === 'guests/linux/anatomy.json')?.checksum).to.equal('ok');
    });

    it('verify fails on a changed figure in the document, naming it and the reports that no longer follow from it', async () => {
      const bad = join(root, 'anatomy-changed.tar.gz');
      await tamper(anatomyArchive, bad, (files) => {
        const doc = linuxAnatomy();
        doc.metrics[0]!.user += 10000;
        files.set('guests/linux/anatomy.json', Buffer.from(`${JSON.stringify(doc, null, 1)}\n`));
      });
      const { failures } = await verifyArchive(bad);
      expect(failures[0]).to.match(/^guests\/linux\/anatomy\.json: checksum mismatch/);
      expect(failures.slice(1).map((f) => f.split(':')[0])).to.deep.equal(['report.md', 'report.html']);
    });

    it('verify names a malformed or missing document, and what was expected', async () => {
      const malformed = join(root, 'anatomy-malformed.tar.gz');
      await tamper(anatomyArchive, malformed, (files) => files.set('guests/linux/anatomy.json', Buffer.from('{"format": "harness-anatomy/1"}')));
      expect((await verifyArchive(malformed)).failures.at(-1)).to.match(
        /^reports: expected them to regenerate from the archived raw data, got an error: expected .*\/guests\/linux\/anatomy\.json to be a cost-anatomy document \(harness-anatomy\/1, harness\/analysis\/anatomy\.ts\), got one that is not: at \(the document\) must have required property 'guest'/,
      );
      const missing = join(root, 'anatomy-missing.tar.gz');
      await tamper(anatomyArchive, missing, (files) => files.delete('guests/linux/anatomy.json'));
      expect((await verifyArchive(missing)).failures.at(-1)).to.equal(
        'reports: expected them to regenerate from the archived raw data, got an error: expected guests/linux/anatomy.json in the archive (manifest.json names it as raw data), got none',
      );
    });

    it('archive refuses a run whose recorded document is missing or malformed, naming it', async () => {
      const dir = await writeSyntheticRun(join(root, 'anatomy-broken'), { anatomy: linuxAnatomy() });
      await writeFile(join(dir, 'guests/linux/anatomy.json'), '{"format": ');
      const error = await rejection(archiveRun(dir, { output: join(root, 'anatomy-broken.tar.gz') }));
      expect(error.message).to.match(/expected the reports of .* to regenerate from its raw data/);
      expect((error.cause as Error).message).to.match(
        /^expected .*\/guests\/linux\/anatomy\.json to be a cost-anatomy document in JSON, got text that does not parse/,
      );
      await unlink(join(dir, 'guests/linux/anatomy.json'));
      expect((await rejection(archiveRun(dir, { output: join(root, 'anatomy-broken.tar.gz') }))).message).to.match(/got none at guests\/linux\/anatomy\.json$/);
    });
  });
});

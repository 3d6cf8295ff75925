import { expect } from 'chai';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { applyHostFixes, MINIX_HOST_FIXES } from '../../../harness/guests/minix/image-build.js';
import { projectRoot } from '../../../harness/paths.js';

/** A MINIX checkout of the user's (never part of the project): the build case skips without one. */
const SOURCE_ENV = 'MINIX_SOURCE_DIR';

const harness = (args: string[]) => execa('node', [join(projectRoot, 'bin', 'harness.js'), ...args], { cwd: projectRoot, reject: false });

describe('MINIX image build from source', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hb-minix-build-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("changes only the files that still have the text a current g++ refuses, once, saying why", async () => {
    for (const fix of MINIX_HOST_FIXES) {
      await mkdir(dirname(join(dir, fix.file)), { recursive: true });
      await writeFile(join(dir, fix.file), `before\n  ${fix.from}\nafter\n`);
    }
    const said: string[] = [];
    await applyHostFixes(dir, (message) => said.push(message));
    await applyHostFixes(dir, (message) => said.push(message));
    expect(said).to.have.length(MINIX_HOST_FIXES.length);
    for (const fix of MINIX_HOST_FIXES) {
      expect(await readFile(join(dir, fix.file), 'utf8')).to.equal(`before\n  ${fix.to}\nafter\n`);
      expect(said.some((line) => line.includes(fix.file) && line.includes(fix.why))).to.equal(true);
    }
  });

  it('leaves a checkout without those files alone (the build fetches binutils itself)', async () => {
    const said: string[] = [];
    await applyHostFixes(dir, (message) => said.push(message));
    expect(said).to.deep.equal([]);
  });

  it('refuses a directory that is no MINIX checkout, naming what it lacks', async () => {
    await writeFile(join(dir, 'build.sh'), '#!/bin/sh\n');
    const config = join(dir, 'build.yaml');
    await writeFile(config, `cacheDir: ${join(dir, 'cache')}\nguests:\n  - name: minix\n    os: minix\n    vcpus: 1\n    image: { disk: ${join(dir, 'none.img')} }\n`);
    const built = await harness(['build', 'minix', '--source', dir, '--config', config]);
    expect(built.exitCode).to.equal(1);
    expect(built.stderr).to.contain(`expected a MINIX 3 checkout at ${dir} (with releasetools/x86_hdimage.sh), got a directory without it`);
    const missing = await harness(['build', 'minix', '--source', join(dir, 'nowhere'), '--config', config]);
    expect(missing.stderr).to.contain(`expected a MINIX 3 checkout at ${join(dir, 'nowhere')}, found nothing there`);
  });

  it('refuses --debug and --smp, which a MINIX release build has no use for', async () => {
    const config = join(dir, 'build.yaml');
    await writeFile(config, `cacheDir: ${join(dir, 'cache')}\nguests:\n  - name: minix\n    os: minix\n    vcpus: 1\n    image: { disk: ${join(dir, 'none.img')} }\n`);
    const built = await harness(['build', 'minix', '--source', dir, '--config', config, '--smp']);
    expect(built.exitCode).to.equal(2);
    expect(built.stderr).to.contain('expected neither --debug nor --smp for minix');
  });
});

describe('@guest harness build minix --source', function () {
  // Hours on two cores; a finished build in the cache makes it seconds.
  this.timeout(8 * 60 * 60_000);
  const source = process.env[SOURCE_ENV];

  before(function () {
    if (!source) {
      console.log(`    (skipped: ${SOURCE_ENV} is not set; point it at a checkout of github.com/Stichting-MINIX-Research-Foundation/minix, see docs/guests/minix.md)`);
      this.skip();
    }
  });

  it('makes a disk image and its boot files, and prints where', async () => {
    const built = await harness(['build', 'minix', '--source', source!]);
    expect(built.exitCode, built.stderr).to.equal(0);
    const dir = built.stdout.trim();
    expect(built.stderr).to.contain(`image: { disk: ${join(dir, 'minix.img')}, bootDir: ${join(dir, 'boot')} }`);
    expect(await readFile(join(dir, 'harness-build.txt'), 'utf8')).to.contain('sets minix-base minix-comp');
    for (const file of ['minix.img', join('boot', 'kernel'), join('boot', 'mod01_ds')]) expect((await stat(join(dir, file))).size, file).to.be.greaterThan(0);
  });
});

// Issue 7, "Concurrency" (docs/reliability.md): two `harness run` at once, as two users (or two
// terminals) would start them, with the same results directory and the same cache directory,
// empty, so both download the Debian kernel package and build the payload and the initramfs at
// the same time. Each must get its own run directory, and both must boot images that are whole
// and identical to what the cache keeps. (This is the suite's one test that downloads the kernel
// package, about 27 MB.)
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { stringify } from 'yaml';
import { projectRoot } from '../../harness/paths.js';

const sha256 = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

describe('@guest two harness runs at once, sharing an empty cache', function () {
  this.timeout(20 * 60_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hb-concurrent-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('get separate run directories and boot the same whole images, leaving one finished entry per image', async () => {
    const resultsDir = join(dir, 'results');
    const cacheDir = join(dir, 'cache');
    const configs = await Promise.all(
      ['first', 'second'].map(async (name) => {
        const file = join(dir, `${name}.yaml`);
        await writeFile(
          file,
          stringify({
            accel: 'tcg-icount',
            resultsDir,
            cacheDir,
            timeouts: { bootSeconds: 300, benchmarkSeconds: 300, shutdownSeconds: 30 },
            bootstrap: { resamples: 200, seed: 1 },
            guests: [
              {
                name: 'linux',
                os: 'linux',
                vcpus: 1,
                memoryMiB: 256,
                benchmarks: { iterations: 200, warmup: 20, include: ['syscall.null', 'ctxswitch.yield'] },
              },
            ],
          }),
        );
        return file;
      }),
    );
    const runs = await Promise.all(
      configs.map((file) => execa('node', [join(projectRoot, 'bin', 'harness.js'), 'run', file, '--json'], { cwd: projectRoot, reject: false })),
    );

    const outcomes = [];
    for (const run of runs) {
      expect(run.exitCode, run.stderr).to.equal(0);
      const events = run.stdout
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { type: string; runDir?: string });
      const runDir = events.find((e) => e.type === 'run-start')!.runDir!;
      const manifest = JSON.parse(await readFile(join(runDir, 'manifest.json'), 'utf8'));
      const results = JSON.parse(await readFile(join(runDir, 'results.json'), 'utf8'));
      outcomes.push({ runDir, manifest, results, events });
    }
    const [a, b] = outcomes as [(typeof outcomes)[number], (typeof outcomes)[number]];
    expect(a.runDir).not.to.equal(b.runDir);
    expect((await readdir(resultsDir)).sort()).to.have.length(2);
    for (const o of outcomes) {
      expect(o.manifest.complete).to.equal(true);
      expect(o.results.results.map((r: { metric: string }) => r.metric).sort()).to.deep.equal(['ctxswitch.yield', 'syscall.null']);
    }

    // The same kernel, payload and initramfs, and they are what the cache keeps.
    const provenance = (o: typeof a) => o.manifest.guests[0].provenance;
    for (const field of ['kernelSha256', 'payloadSha256', 'initramfsSha256']) expect(provenance(a)[field], field).to.equal(provenance(b)[field]);
    const linux = join(cacheDir, 'linux');
    const entries = (await readdir(linux)).sort();
    expect(
      entries.filter((e) => e.startsWith('.')),
      'temporary directories left',
    ).to.deep.equal([]);
    const initramfs = entries.find((e) => e.startsWith('initramfs-'))!;
    const payload = entries.find((e) => e.startsWith('hb-linux-payload-'))!;
    expect(entries).to.have.length(2);
    for (const entry of entries) expect(await readdir(join(linux, entry))).to.include('.complete');
    // The kernel is the Debian package's own entry (harness/debian), unpacked.
    const packages = join(cacheDir, 'debian', 'packages');
    const debs = await readdir(packages);
    expect(
      debs.filter((e) => e.startsWith('.')),
      'temporary directories left',
    ).to.deep.equal([]);
    expect(debs).to.have.length(1);
    expect(await readdir(join(packages, debs[0]!))).to.include('.complete');
    const boot = join(packages, debs[0]!, 'root', 'boot');
    const kernel = join(
      boot,
      (await readdir(boot)).find((f) => f.startsWith('vmlinuz-'))!,
    );
    expect(await sha256(kernel)).to.equal(provenance(a).kernelSha256);
    expect(await sha256(join(linux, initramfs, 'initramfs.cpio'))).to.equal(provenance(a).initramfsSha256);
    expect(await sha256(join(linux, payload, 'hb-linux-payload'))).to.equal(provenance(a).payloadSha256);
    // What each QEMU was given is the cache entry, by path.
    for (const o of outcomes) {
      const argv: string[] = o.manifest.guests[0].boots[0].argv;
      expect(argv[argv.indexOf('-kernel') + 1]).to.equal(kernel);
      expect(argv[argv.indexOf('-initrd') + 1]).to.equal(join(linux, initramfs, 'initramfs.cpio'));
    }
  });
});

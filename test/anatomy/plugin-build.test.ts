import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { buildAnatomyPlugin } from '../../harness/anatomy/plugin-build.js';

describe('@host the anatomy plugin built with the host gcc', function () {
  this.timeout(120_000);
  let cache: string;

  before(async () => {
    cache = await mkdtemp(join(tmpdir(), 'hb-anatomy-'));
  });
  after(() => (cache ? rm(cache, { recursive: true, force: true }) : undefined));

  it('exports only what QEMU looks up, and is found in the cache the second time', async () => {
    const first = await buildAnatomyPlugin(cache);
    const second = await buildAnatomyPlugin(cache);
    expect(second).to.deep.equal(first);
    expect(first.path.startsWith(join(cache, 'anatomy'))).to.equal(true);
    const defined = (await execa('nm', ['-D', '--defined-only', first.path])).stdout
      .split('\n')
      .map((l) => l.trim().split(/\s+/).pop()!)
      .filter((s) => s.startsWith('qemu_'));
    expect(defined.sort()).to.deep.equal(['qemu_plugin_install', 'qemu_plugin_version']);
  });

  it('is refused by QEMU with a clear message when no out= is given, so a wrong argument never goes unnoticed', async () => {
    const { path } = await buildAnatomyPlugin(cache);
    const run = await execa('qemu-system-x86_64', ['-accel', 'tcg', '-icount', 'shift=0', '-plugin', path, '-display', 'none', '-S', '-nodefaults'], {
      reject: false,
      timeout: 60_000,
    });
    expect(run.exitCode).to.not.equal(0);
    expect(run.stderr).to.contain('anatomy: no out=FILE argument');
  });
});

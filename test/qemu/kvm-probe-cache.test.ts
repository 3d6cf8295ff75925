import { expect } from 'chai';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keptKvmProbe, type KvmProbeOutcome } from '../../harness/qemu/kvm-probe-cache.js';

describe('the kept KVM probe outcome', () => {
  let dir: string;
  let bootIdFile: string;
  let probes: number;
  const hangs = async (): Promise<KvmProbeOutcome> => {
    probes += 1;
    return { ok: false, reason: 'printed nothing within 15 s' };
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hb-kvm-kept-'));
    bootIdFile = join(dir, 'boot_id');
    await writeFile(bootIdFile, 'boot-one\n');
    probes = 0;
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const options = (extra: { refresh?: boolean; inputs?: string[] } = {}) => ({ cacheDir: dir, refresh: false, inputs: ['qemu 7.2'], bootIdFile, ...extra });

  it('probes once per host boot and says the second outcome was kept, and when it was probed', async () => {
    expect(await keptKvmProbe(options(), hangs)).to.deep.equal({ ok: false, reason: 'printed nothing within 15 s' });
    const second = await keptKvmProbe(options(), hangs);
    expect(probes).to.equal(1);
    expect(second.ok).to.equal(false);
    expect(second.reason).to.match(/^printed nothing within 15 s \(probed at \d{4}-\d\d-\d\dT[^,]+, kept for this host boot; --refresh probes again\)$/);
  });

  it('probes again after the host reboots, with --refresh, or for another QEMU', async () => {
    await keptKvmProbe(options(), hangs);
    await writeFile(bootIdFile, 'boot-two\n');
    await keptKvmProbe(options(), hangs);
    await keptKvmProbe(options({ refresh: true }), hangs);
    await keptKvmProbe(options({ inputs: ['qemu 9.0'] }), hangs);
    expect(probes).to.equal(4);
  });

  it('keeps nothing without a boot id, and probes again over a damaged file', async () => {
    await keptKvmProbe({ ...options(), bootIdFile: join(dir, 'absent') }, hangs);
    await keptKvmProbe({ ...options(), bootIdFile: join(dir, 'absent') }, hangs);
    expect(probes).to.equal(2);
    await keptKvmProbe(options(), hangs);
    const [file] = await readdir(join(dir, 'host'));
    await writeFile(join(dir, 'host', file!), '{"ok": "yes"');
    await keptKvmProbe(options(), hangs);
    expect(probes).to.equal(4);
  });
});

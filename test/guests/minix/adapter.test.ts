import { expect } from 'chai';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GuestConfig } from '../../../harness/config/types.js';
import { MINIX_SERIAL_CONSOLE, minixAdapter, minixBoot } from '../../../harness/guests/minix/adapter.js';

function guest(image: Record<string, string>): GuestConfig {
  return { name: 'minix', os: 'minix', vcpus: 1, memoryMiB: 512, pin: undefined, benchmarks: { boots: 1, iterations: 5, warmup: 1, include: ['*'] }, peers: [], image };
}

describe('MINIX adapter', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hb-minix-'));
    await writeFile(join(dir, 'minix,1.img'), '');
    await mkdir(join(dir, 'boot'));
    for (const name of ['kernel', 'mod02_rs', 'mod01_ds', 'mod12_init', 'README']) await writeFile(join(dir, 'boot', name), '');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('is skipped, saying how to provide one, without a disk image', async () => {
    const availability = await minixAdapter.availability(guest({ disk: join(dir, 'none.img') }));
    expect(availability).to.deep.include({ available: false, reason: `MINIX 3 disk image not found at ${join(dir, 'none.img')}` });
    expect(availability.available === false && availability.howTo).to.match(/docs\/guests\/minix\.md/);
  });

  it('boots from the disk, opened as a snapshot so it is never written', async () => {
    const boot = await minixBoot(guest({ disk: join(dir, 'minix,1.img') }));
    expect(boot.kernel).to.equal(undefined);
    expect(boot.qemuBinary).to.equal('qemu-system-x86_64');
    expect(boot.extraArgs).to.deep.equal(['-drive', `file=${join(dir, 'minix,,1.img')},format=raw,if=ide,snapshot=on`]);
  });

  it('boots a kernel directory directly, modules in order, console on the serial port', async () => {
    const boot = await minixBoot(guest({ disk: join(dir, 'minix,1.img'), bootDir: join(dir, 'boot') }));
    expect(boot.kernel).to.equal(join(dir, 'boot', 'kernel'));
    expect(boot.initrd).to.equal(['mod01_ds', 'mod02_rs', 'mod12_init'].map((m) => join(dir, 'boot', m)).join(','));
    expect(boot.append).to.equal(`rootdevname=c0d0p0 ${MINIX_SERIAL_CONSOLE}`);
  });

  it('drives the console and says where the sources came from', async () => {
    const prepared = await minixAdapter.prepare(guest({ disk: join(dir, 'minix,1.img') }), {
      cacheDir: join(dir, 'cache'), accel: 'tcg-icount', vcpus: 1, timeouts: { bootSeconds: 1, benchmarkSeconds: 1, shutdownSeconds: 1 }, log: () => undefined,
    });
    expect(prepared.drive).to.be.a('function');
    expect(prepared.provenance.sourcesSha256).to.match(/^[0-9a-f]{64}$/);
  });
});

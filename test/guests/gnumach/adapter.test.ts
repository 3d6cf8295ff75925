import { expect } from 'chai';
import type { GuestConfig } from '../../../harness/config/types.js';
import { bootScriptLine, diagnoseConsole, gnumachAdapter, GNUMACH_APPEND } from '../../../harness/guests/gnumach/adapter.js';
import { mkdtemp, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BOOT_KERNEL_NAME, BOOT_PAYLOAD_NAME, bootDirectory, kernelFileName } from '../../../harness/guests/gnumach/image.js';
import { adapterFor } from '../../../harness/guests/registry.js';

function guest(image: Record<string, string>): GuestConfig {
  return { name: 'g', os: 'gnumach', vcpus: 1, memoryMiB: 512, pin: undefined, benchmarks: { boots: 1, iterations: 1, warmup: 0, include: ['*'] }, peers: [], image };
}

describe('GNU Mach adapter', () => {
  it('is the registry adapter for os gnumach', () => {
    expect(adapterFor({ os: 'gnumach' })).to.equal(gnumachAdapter);
  });

  it('boots the payload as a boot-script module with the host and device ports, on the serial console', () => {
    expect(bootScriptLine('/c/hb-gnumach-payload')).to.equal('/c/hb-gnumach-payload ${host-port} ${device-port} $(task-create) $(task-resume)');
    // QEMU splits -initrd at commas into modules: a comma in the path is doubled.
    expect(bootScriptLine('/a,b/p')).to.equal('/a,,b/p ${host-port} ${device-port} $(task-create) $(task-resume)');
    expect(() => bootScriptLine('/a b/p')).to.throw('without blanks');
    expect(GNUMACH_APPEND).to.equal('console=com0');
  });

  it('is available with Debian\'s package, and unavailable with a missing kernel of your own', async () => {
    expect(await gnumachAdapter.availability(guest({}))).to.deep.equal({ available: true });
    const missing = await gnumachAdapter.availability(guest({ kernel: '/nonexistent/gnumach' }));
    expect(missing).to.include({ available: false, reason: 'GNU Mach kernel not found at /nonexistent/gnumach (image.kernel)' });
  });

  it('gives QEMU a boot directory of short names linked to the kernel and payload, the same one for the same files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hb-gnumach-boot-'));
    try {
      const [kernel, payload] = [join(dir, 'some', 'long', 'kernel-path'), join(dir, 'payloads', 'abc', 'payload')];
      const first = await bootDirectory(join(dir, 'cache'), kernel, payload);
      expect(await readlink(join(first, BOOT_KERNEL_NAME))).to.equal(kernel);
      expect(await readlink(join(first, BOOT_PAYLOAD_NAME))).to.equal(payload);
      expect(await bootDirectory(join(dir, 'cache'), kernel, payload)).to.equal(first);
      expect(await bootDirectory(join(dir, 'cache'), kernel, `${payload}2`)).not.to.equal(first);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads the console for known trouble', () => {
    expect(diagnoseConsole('Loading single multiboot module in compat mode: payload\npanic: ...')).to.match(/compat mode/);
    expect(diagnoseConsole('GNU Mach 1.8\nmodule 0: x\npanic: cannot load module')).to.equal('GNU Mach panicked: panic: cannot load module');
    expect(diagnoseConsole('GNU Mach 1.8\nmodule 0: x\n')).to.equal('GNU Mach started but never loaded the payload module');
    expect(diagnoseConsole('GNU Mach 1.8\ntask loaded: p 1 2\nhb-gnumach: done')).to.equal(undefined);
  });
});

describe('GNU Mach packages', () => {
  // How they are fetched (through a private i386 apt, one cache entry per version) is tested in test/debian/.
  it('finds the gzipped kernel in the package\'s boot directory', () => {
    expect(kernelFileName(['gnumach-1.8-486.gz'])).to.equal('gnumach-1.8-486.gz');
    expect(kernelFileName(['README'])).to.equal(undefined);
  });
});

import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { GuestConfig } from '../../config/types.js';
import { UsageError } from '../../errors/usage-error.js';
import { escapeOptionValue } from '../../qemu/argv.js';
import type { Availability, BootSpec, GuestAdapter, PrepareContext, PreparedGuest } from '../adapter.js';
import { settingLines } from '../payload-build.js';
import { CPU_MODEL_SETTING, payloadSettingWords } from '../settings.js';
import { driveMinix, type MinixPlan } from './driver.js';
import { buildMinixImage } from './image-build.js';
import { minixSourceArchive } from './transfer.js';
import { MINIX_BENCHMARKS } from './benchmarks.js';

/** Kernel arguments that put MINIX's console on the first serial port, where the harness types. */
export const MINIX_SERIAL_CONSOLE = 'console=tty00 cttyline=0 cttybaud=115200';

const HOW_TO =
  'build an image from your MINIX checkout with `harness build minix --source DIR`, or install MINIX 3.4.0rc6 (i386) with the minix-comp set into a disk image as docs/guests/minix.md describes, and set image.disk to it';

/** The boot modules of a MINIX kernel directory, in load order (mod01_ds ... mod12_init). */
export async function bootModules(bootDir: string): Promise<string[]> {
  const modules = (await readdir(bootDir)).filter((name) => /^mod\d\d_/.test(name)).sort();
  if (modules.length === 0) throw new Error(`expected boot modules mod01_ds ... in ${bootDir}, found none`);
  return modules.map((name) => join(bootDir, name));
}

/**
 * The disk is opened with snapshot=on, so the user's image is never written. With `bootDir` the
 * kernel and modules are loaded directly, with the serial console on the command line; without it
 * the disk's own boot loader must choose a serial-console entry.
 */
export async function minixBoot(guest: GuestConfig): Promise<BootSpec> {
  const disk = guest.image.disk!;
  const format = disk.endsWith('.qcow2') ? 'qcow2' : 'raw';
  const drive = ['-drive', `file=${escapeOptionValue(disk)},format=${format},if=ide,snapshot=on`];
  const bootDir = guest.image.bootDir;
  if (!bootDir) return { qemuBinary: 'qemu-system-x86_64', kernel: undefined, extraArgs: drive };
  return {
    qemuBinary: 'qemu-system-x86_64',
    kernel: join(bootDir, 'kernel'),
    // QEMU's multiboot loader takes several modules as one comma-separated -initrd.
    initrd: (await bootModules(bootDir)).map(escapeOptionValue).join(','),
    append: `rootdevname=c0d0p0 ${MINIX_SERIAL_CONSOLE}`,
    extraArgs: drive,
  };
}

/** MINIX 3 has no speculative-execution mitigation settings (stated, not checked against an image: none has run here). */
export const MINIX_MITIGATIONS = 'none: MINIX 3 has no speculative-execution mitigation settings';

export const minixAdapter: GuestAdapter = {
  os: 'minix',
  reach: 'qemu',
  id: 'minix',
  displayName: 'MINIX 3',
  benchmarks: MINIX_BENCHMARKS,
  // Not measured (no MINIX image on the machine this was written on): 512 is what configs/minix.yaml,
  // configs/all.yaml and the MINIX test give it.
  minMemoryMiB: 512,
  image: {
    description: 'Image settings for `os: minix`. MINIX is not packaged anywhere the harness can download from; the disk image is yours (see docs/guests/minix.md). It is opened with snapshot=on and never modified.',
    required: ['disk'],
    properties: {
      disk: {
        title: 'a path to a MINIX 3 disk image',
        description: 'MINIX 3.4.0rc6 (i386) disk image with the minix-comp set installed (raw, or qcow2 by its .qcow2 suffix), relative to the directory of this config file. Required, no default.',
        type: 'string',
        minLength: 1,
        'x-path': 'file',
      },
      bootDir: {
        title: 'a path to a directory holding the MINIX kernel and boot modules',
        description: 'Directory with `kernel` and `mod01_ds` ... `mod12_init` copied out of the image\'s /boot/minix/<version>/; QEMU then boots them directly with the serial console on the kernel command line. Default: none, boot from the disk, whose boot menu must default to a serial-console entry.',
        type: 'string',
        minLength: 1,
        'x-path': 'directory',
      },
      cpuModel: CPU_MODEL_SETTING,
    },
  },
  reproduction: {
    title: 'MINIX 3',
    text: 'MINIX images cannot be downloaded by the harness. Install MINIX 3.4.0rc6 (i386) with the `minix-comp` set into a disk image, root without a password, console on the first serial port, as `docs/guests/minix.md` of the checkout describes, and set `image.disk` (and `image.bootDir` if used) in `config.yaml`. What this run recorded of it is listed under "Images and payloads" above.',
  },

  /** MINIX's own build.sh and x86_hdimage.sh, run on the user's checkout: a disk image and its boot files in the cache. */
  async buildFromSource(source, options) {
    if (options.debug || options.smp) throw new UsageError(`expected neither --debug nor --smp for minix (it builds MINIX's release as it is), got ${options.debug ? '--debug' : '--smp'}`);
    const image = await buildMinixImage({ source, cacheDir: options.cacheDir, log: options.log });
    return { dir: image.dir, use: `image: { disk: ${image.disk}, bootDir: ${image.bootDir} } in configs/minix.yaml` };
  },

  async availability(guest: GuestConfig): Promise<Availability> {
    const disk = guest.image.disk;
    if (!disk || !existsSync(disk)) return { available: false, reason: `MINIX 3 disk image not found at ${disk ?? '(image.disk not set)'}`, howTo: HOW_TO };
    const bootDir = guest.image.bootDir;
    if (bootDir && !existsSync(join(bootDir, 'kernel'))) {
      return { available: false, reason: `no MINIX kernel at ${join(bootDir, 'kernel')} (image.bootDir)`, howTo: 'copy the kernel and mod* files of /boot/minix/<version> out of the image, or leave image.bootDir out to boot from the disk' };
    }
    return { available: true };
  },

  async prepare(guest: GuestConfig, context: PrepareContext): Promise<PreparedGuest> {
    const archive = await minixSourceArchive();
    const setting = async (name: string) => (await settingLines('minix', name)).join(' ');
    const plan: MinixPlan = {
      archive,
      cflags: await setting('CFLAGS'),
      serviceCflags: await setting('SERVICE_CFLAGS'),
      serviceLibs: await setting('SERVICE_LIBS'),
      sources: await settingLines('minix', 'SOURCES'),
      serviceSources: await settingLines('minix', 'SERVICE_SOURCES'),
      settings: payloadSettingWords(guest.benchmarks),
      timeouts: {
        loginMs: context.timeouts.bootSeconds * 1000,
        commandMs: context.timeouts.benchmarkSeconds * 1000,
        // Each benchmark may take the benchmark timeout; the data channel notices a hang before this.
        runMs: context.timeouts.benchmarkSeconds * 1000 * 64,
      },
    };
    context.log(`minix: sources ${archive.data.length} bytes gzipped, SHA-256 ${archive.sha256.slice(0, 16)}…`);
    return {
      boot: await minixBoot(guest),
      provenance: {
        disk: guest.image.disk!,
        mitigations: MINIX_MITIGATIONS, bootDir: guest.image.bootDir ?? '(boots from the disk)', sourcesSha256: archive.sha256, payloadCflags: plan.cflags },
      drive: (console) => driveMinix(console, plan),
    };
  },
};

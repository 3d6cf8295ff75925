import type { GuestConfig } from '../../config/types.js';
import { sshGuestDeploy } from '../../deploy/guest-ssh.js';
import { escapeOptionValue } from '../../qemu/argv.js';
import { harnessKey } from '../../ssh/keys.js';
import { anatomyFlags, type Availability, type GuestAdapter, type PrepareContext, type PreparedGuest } from '../adapter.js';
import { linuxAnatomySymbols, linuxPayloadText } from '../linux/anatomy-symbols.js';
import { BOOT_WORDS, DEFAULT_KERNEL_PACKAGE } from '../linux/adapter.js';
import { MITIGATIONS_SETTING, mitigationsWords } from '../linux/mitigations.js';
import { CPU_MODEL_SETTING } from '../settings.js';
import { buildPayload } from '../payload-build.js';
import { buildDiskImage } from './image.js';
import { LINUX_BENCHMARKS } from '../linux/benchmarks.js';

/**
 * Kernel command line: the image's root file system on the virtio disk, console on ttyS0 (the
 * data port ttyS1 is left alone: the payload writes its records there), classic interface names so
 * eth0 matches the image's network file, BOOT_WORDS as the initramfs guest has them. No hb.* words: the settings go on the payload's command line.
 */
export const LINUX_DISK_APPEND = ['root=/dev/vda rw console=ttyS0 panic=-1 net.ifnames=0', ...BOOT_WORDS].join(' ');

/** Twice --force: systemd powers off without stopping units or unmounting (the image is a -snapshot overlay). */
export const LINUX_DISK_POWEROFF = 'systemctl poweroff --force --force';

/**
 * `os: linux`, `variant: disk`: Debian bookworm as installed (systemd, udev, its own kernel package and
 * initramfs), booted from a disk image the harness builds from Debian's packages; the payload is
 * deployed over SSH once the guest's sshd answers. See docs/guests/linux-disk.md.
 */
export const linuxDiskAdapter: GuestAdapter = {
  os: 'linux',
  reach: 'qemu',
  variant: 'disk',
  id: 'linux-disk',
  displayName: 'Linux (Debian disk image)',
  // The initramfs guest's payload, deployed over SSH.
  benchmarks: LINUX_BENCHMARKS,
  // Not measured (booting systemd under TCG to bracket it takes minutes a try): 512 is what
  // configs/linux-disk.yaml, configs/all.yaml and the disk image's tests give it, and what
  // docs/guests/linux-disk.md says systemd and sshd need (more than the initramfs guest's 256).
  minMemoryMiB: 512,
  deployMethods: ['ssh'],
  // As the initramfs guest's (the same kernel package), but systemd and sshd read the TSC beside the
  // payload (vDSO clock_gettime): only the payload's own timer reads bound the windows.
  anatomy: { bits: 64, kernelBase: '0xffff800000000000', symbols: linuxAnatomySymbols, timerCode: linuxPayloadText },
  image: {
    description: 'Image settings for `os: linux`, `variant: disk`. The harness builds a Debian bookworm disk image (mmdebstrap, then mke2fs -d) with the kernel package, systemd and openssh-server into cacheDir, and boots it with QEMU\'s -snapshot so it is never modified. See docs/guests/linux-disk.md.',
    properties: {
      kernelPackage: {
        title: 'a Debian package name (lowercase letters, digits, "+", "-" and ".")',
        description: 'Debian package that provides the guest kernel, installed into the image at the version apt on this host resolves it to (the same kernel as a `variant: initramfs` guest with the same package). Default `linux-image-cloud-amd64`.',
        type: 'string',
        pattern: '^[a-z0-9][a-z0-9+.-]+$',
        default: DEFAULT_KERNEL_PACKAGE,
      },
      mitigations: MITIGATIONS_SETTING,
      cpuModel: CPU_MODEL_SETTING,
    },
  },
  reproduction: {
    title: 'Debian disk image',
    text: 'the harness builds it itself from Debian packages (mmdebstrap, the kernel package at the version listed); every installed package and version is listed under "Images and payloads" above (`imagePackages`). A rebuilt image gets a new SSH host key, so its disk hash differs; see `docs/guests/linux-disk.md` of the checkout.',
  },

  async availability(): Promise<Availability> {
    // Everything comes from Debian packages and this checkout, built on demand.
    return { available: true };
  },

  async prepare(guest: GuestConfig, context: PrepareContext): Promise<PreparedGuest> {
    const kernelPackage = guest.image.kernelPackage ?? DEFAULT_KERNEL_PACKAGE;
    const image = await buildDiskImage(context.cacheDir, kernelPackage, context.log, context.refresh === true);
    context.log(`linux-disk: image ${image.dir} (kernel ${image.kernelPackage} ${image.kernelVersion}, host key ${image.hostKeyFingerprint})`);
    context.log('linux-disk: building payload');
    const payload = await buildPayload({ os: 'linux', cacheDir: context.cacheDir, extraFlags: anatomyFlags(context) });
    const client = await harnessKey(context.cacheDir);
    return {
      boot: {
        qemuBinary: 'qemu-system-x86_64',
        kernel: image.vmlinuz,
        initrd: image.initrd,
        append: [LINUX_DISK_APPEND, ...mitigationsWords(guest.image.mitigations)].join(' '),
        // -snapshot: writes go to a temporary overlay, so the cached image is never modified.
        extraArgs: ['-drive', `file=${escapeOptionValue(image.disk)},format=raw,if=virtio`, '-snapshot'],
      },
      // systemd and sshd: the shipped configs give it 512 MiB.
      memoryMiBKnownToBoot: 512,
      deploy: sshGuestDeploy({
        hostKey: image.hostKey,
        privateKeyPath: client.privateKeyPath,
        user: 'root',
        payload: { kind: 'binary', path: payload.path, sha256: payload.sha256 },
        benchmarks: guest.benchmarks,
        // Off at once, services not stopped: the records are all in (STREAM_END came first) and
        // -snapshot drops every write, so an orderly shutdown (3-4 s of emulation) keeps nothing.
        poweroff: LINUX_DISK_POWEROFF,
      }),
      provenance: {
        deploy: 'ssh',
        kernelPackage: image.kernelPackage,
        kernelPackageVersion: image.kernelVersion,
        kernelSha256: image.info.vmlinuzSha256,
        initrdSha256: image.info.initrdSha256,
        diskSha256: image.info.diskSha256,
        diskBytes: String(image.info.diskBytes),
        imageSuite: image.info.suite,
        imagePackages: image.packages.join(' '),
        imageSources: image.info.sources.join('; '),
        imageBuiltWith: `${image.info.mmdebstrapVersion} --mode=${image.info.mmdebstrapMode}`,
        guestHostKey: `${image.hostKey.type} ${image.hostKeyFingerprint}`,
        payloadCompiler: payload.compiler,
        payloadCflags: payload.cflags,
        payloadSha256: payload.sha256,
      },
    };
  },
};

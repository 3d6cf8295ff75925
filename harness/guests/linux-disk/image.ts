import { chmod, copyFile, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { cachedDirectory, finishedEntry } from '../../cache/atomic.js';
import { HostToolError } from '../../errors/host-tool-error.js';
import { sha256File, sha256Hex } from '../../hash.js';
import { generateKeyPair, harnessKey, parsePublicKey, fingerprintOf, type PublicKey } from '../../ssh/keys.js';
import { knownKernelPackage, recordKernelPackage, resolveKernelPackage } from '../linux/kernel.js';
import { hostSources } from './sources.js';

/** Debian release of the image: the harness's own host release, whose apt resolves the kernel version. */
export const SUITE = 'bookworm';
/** Size of the ext4 file system (a sparse file: only what is written takes space). */
export const DISK_SIZE = '2G';
/** Changes whenever what a build does changes, so older cache entries are not reused. */
const BUILDER_VERSION = 'linux-disk-1';
/** Packages beside the kernel: an init system and what it needs to bring up a network, and the SSH server. */
export const IMAGE_PACKAGES = ['systemd-sysv', 'udev', 'dbus', 'openssh-server'];
/** The file system's label, and the root device the kernel is told to mount. */
export const ROOT_LABEL = 'hb-root';

/**
 * Run by mmdebstrap (--customize-hook) with the image's root directory as $1, after every package is
 * installed. The keys sit in ./keys beside it. What it sets up is in docs/guests/linux-disk.md.
 */
export const CUSTOMIZE_HOOK = `#!/bin/sh
set -eu
root="$1"
here="$(dirname "$0")"

# SSH: the host key made for this image (the harness checks it on every connection), and the
# harness's key for root. Keys Debian generated at install time go: only ours is offered.
rm -f "$root"/etc/ssh/ssh_host_*
install -m 600 "$here/keys/ssh_host_ed25519_key" "$root/etc/ssh/ssh_host_ed25519_key"
install -m 644 "$here/keys/ssh_host_ed25519_key.pub" "$root/etc/ssh/ssh_host_ed25519_key.pub"
mkdir -p "$root/root/.ssh"
chmod 700 "$root/root/.ssh"
install -m 600 "$here/keys/authorized_keys" "$root/root/.ssh/authorized_keys"
cat > "$root/etc/ssh/sshd_config.d/hb.conf" <<'EOF'
# Written by the benchmark harness (harness/guests/linux-disk/image.ts).
HostKey /etc/ssh/ssh_host_ed25519_key
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UseDNS no
# Under QEMU -icount sleep=off an idle guest's clock runs ahead of the host's: no login grace timer,
# so a handshake the host is slow to answer is never cut off by guest time.
LoginGraceTime 0
EOF

# Network: QEMU's user-mode network with fixed addresses (no DHCP wait), brought up by systemd-networkd.
cat > "$root/etc/systemd/network/10-hb.network" <<'EOF'
[Match]
Name=eth0

[Network]
Address=10.0.2.15/24
Gateway=10.0.2.2
LinkLocalAddressing=no
IPv6AcceptRA=no
EOF
chroot "$root" systemctl enable systemd-networkd.service

# A fixed identity, so every boot of the image starts the same, and no first-boot prompt on the console.
echo 0b5e7c3a9d1f4e2a8c6b0d9e7f1a2b3c > "$root/etc/machine-id"
chroot "$root" systemctl mask systemd-firstboot.service
echo hb-linux-disk > "$root/etc/hostname"
printf '/dev/vda / ext4 rw,errors=remount-ro 0 1\\n' > "$root/etc/fstab"

# What was installed, for the manifest.
chroot "$root" dpkg-query -W -f '\${Package}=\${Version}\\n' > "$here/packages.txt"
`;

export interface DiskImage {
  /** The cache entry. */
  dir: string;
  disk: string;
  vmlinuz: string;
  initrd: string;
  /** The guest's SSH host key, generated at build time. */
  hostKey: PublicKey;
  hostKeyFingerprint: string;
  kernelPackage: string;
  kernelVersion: string;
  /** Every installed package as name=version. */
  packages: string[];
  /** The image's build facts (image.json). */
  info: ImageInfo;
}

interface ImageInfo {
  suite: string;
  kernelPackage: string;
  kernelVersion: string;
  mmdebstrapMode: string;
  mmdebstrapVersion: string;
  sources: string[];
  diskBytes: number;
  diskSha256: string;
  vmlinuzSha256: string;
  initrdSha256: string;
  buildSeconds: number;
}

const isRoot = () => process.getuid?.() === 0;

/**
 * mmdebstrap's ways of building a root file system, in the order tried: `unshare` (a user namespace:
 * no root needed where unprivileged user namespaces and subordinate ids exist), `root` (as root),
 * `fakechroot` (neither). HB_MMDEBSTRAP_MODE picks one.
 */
async function modes(): Promise<string[]> {
  const forced = process.env.HB_MMDEBSTRAP_MODE;
  if (forced) return [forced];
  const out: string[] = [];
  const userns = await execa('unshare', ['--user', '--map-root-user', 'true'], { reject: false });
  if (userns.exitCode === 0) out.push('unshare');
  if (isRoot()) out.push('root');
  if ((await execa('sh', ['-c', 'command -v fakechroot && command -v fakeroot'], { reject: false })).exitCode === 0) out.push('fakechroot');
  return out;
}

async function tool(name: string, pkg: string): Promise<void> {
  const found = await execa('sh', ['-c', `command -v ${name}`], { reject: false });
  if (found.exitCode !== 0) throw new HostToolError(name, `expected ${name} (Debian package ${pkg}) to build the linux-disk image, got none; run scripts/setup.sh or apt-get install ${pkg}`);
}

/**
 * Builds (or finds in the cache) a Debian bookworm disk image: mmdebstrap installs the minimal
 * base, the kernel package at the version this host's apt resolves (the one the initramfs Linux
 * guest uses), systemd, udev, dbus and openssh-server into a tarball; a hook adds the guest's SSH
 * host key (generated here, at build time), the harness's key for root, a static network and a
 * fixed machine id; `mke2fs -d` makes an ext4 image of it without mounting anything. The kernel and
 * the initramfs Debian generated are copied out of /boot for QEMU's -kernel and -initrd.
 * Cached under `<cacheDir>/linux-disk/` by every input; built atomically (harness/cache/atomic.ts).
 */
export async function buildDiskImage(cacheDir: string, kernelPackage: string, log: (message: string) => void, refresh = false): Promise<DiskImage> {
  const client = await harnessKey(cacheDir);
  const sources = await hostSources(SUITE);
  const keyOf = (kernel: { package: string; version: string }) => {
    const include = [...IMAGE_PACKAGES, `${kernel.package}=${kernel.version}`];
    return { include, key: `disk-${SUITE}-${sha256Hex([BUILDER_VERSION, SUITE, DISK_SIZE, include.join(' '), CUSTOMIZE_HOOK, client.publicKey.line, sources.join('\n')].join('\n\0')).slice(0, 16)}` };
  };
  // The kernel version apt gave last time (issue 18), while its image is in the cache; else, or with refresh, apt is asked.
  const known = refresh ? undefined : await knownKernelPackage(cacheDir, kernelPackage);
  const cached = known !== undefined && finishedEntry(join(cacheDir, 'linux-disk'), keyOf(known).key) !== undefined;
  const kernel = cached ? known : await resolveKernelPackage(kernelPackage);
  if (cached) log(`linux-disk: ${kernelPackage} is ${kernel.package} ${kernel.version}, whose image is in the cache (--refresh asks apt again)`);
  else await recordKernelPackage(cacheDir, kernelPackage, kernel);
  const { include, key } = keyOf(kernel);
  const dir = await cachedDirectory(join(cacheDir, 'linux-disk'), key, async (work) => {
    await tool('mmdebstrap', 'mmdebstrap');
    await tool('mke2fs', 'e2fsprogs');
    const started = Date.now();
    log(`linux-disk: building a Debian ${SUITE} disk image with ${include.join(', ')} (mmdebstrap; a few minutes, once)`);
    await mkdir(join(work, 'keys'));
    await generateKeyPair(join(work, 'keys', 'ssh_host_ed25519_key'), 'hb-linux-disk');
    await writeFile(join(work, 'keys', 'authorized_keys'), `${client.publicKey.line}\n`);
    await writeFile(join(work, 'customize.sh'), CUSTOMIZE_HOOK);
    await chmod(join(work, 'customize.sh'), 0o755);
    const tarball = join(work, 'root.tar');
    const mode = await mmdebstrap(work, tarball, include, sources, log);
    log(`linux-disk: root file system built (mmdebstrap --mode=${mode}); making the ext4 image`);
    await bootFiles(work, tarball);
    const disk = await ext4Image(work);
    await rm(tarball, { force: true });
    const packages = (await readFile(join(work, 'packages.txt'), 'utf8')).trim().split('\n').filter(Boolean);
    if (!packages.includes(`${kernel.package}=${kernel.version}`)) {
      throw new Error(`expected ${kernel.package}=${kernel.version} among the image's packages, got ${packages.filter((p) => p.startsWith('linux-image')).join(', ') || 'no kernel'}`);
    }
    const info: ImageInfo = {
      suite: SUITE,
      kernelPackage: kernel.package,
      kernelVersion: kernel.version,
      mmdebstrapMode: mode,
      mmdebstrapVersion: (await execa('mmdebstrap', ['--version'])).stdout.trim(),
      sources,
      diskBytes: (await stat(disk)).size,
      diskSha256: await sha256File(disk),
      vmlinuzSha256: await sha256File(join(work, 'vmlinuz')),
      initrdSha256: await sha256File(join(work, 'initrd.img')),
      buildSeconds: Math.round((Date.now() - started) / 1000),
    };
    await writeFile(join(work, 'image.json'), `${JSON.stringify(info, null, 2)}\n`);
    // The private host key is in the image; only the public half is needed beside it.
    await copyFile(join(work, 'keys', 'ssh_host_ed25519_key.pub'), join(work, 'host_ed25519.pub'));
    await rm(join(work, 'keys'), { recursive: true, force: true });
    log(`linux-disk: image built in ${info.buildSeconds} s`);
  });
  const info = JSON.parse(await readFile(join(dir, 'image.json'), 'utf8')) as ImageInfo;
  const hostKey = parsePublicKey(await readFile(join(dir, 'host_ed25519.pub'), 'utf8'));
  return {
    dir,
    disk: join(dir, 'disk.img'),
    vmlinuz: join(dir, 'vmlinuz'),
    initrd: join(dir, 'initrd.img'),
    hostKey,
    hostKeyFingerprint: fingerprintOf(hostKey.blob),
    kernelPackage: info.kernelPackage,
    kernelVersion: info.kernelVersion,
    packages: (await readFile(join(dir, 'packages.txt'), 'utf8')).trim().split('\n').filter(Boolean),
    info,
  };
}

/** The root file system as a tarball, made by mmdebstrap in the first of its modes that works here; returns that mode. */
async function mmdebstrap(work: string, tarball: string, include: string[], sources: string[], log: (message: string) => void): Promise<string> {
    const failures: string[] = [];
    let mode: string | undefined;
    for (const candidate of await modes()) {
      const result = await execa(
        'mmdebstrap',
        [
          `--mode=${candidate}`,
          '--variant=minbase',
          '--format=tar',
          `--include=${include.join(',')}`,
          '--aptopt=Acquire::Retries "3"',
          // Documentation and translations are of no use in the guest: a smaller image.
          '--dpkgopt=path-exclude=/usr/share/man/*',
          '--dpkgopt=path-exclude=/usr/share/doc/*',
          '--dpkgopt=path-include=/usr/share/doc/*/copyright',
          '--dpkgopt=path-exclude=/usr/share/locale/*',
          `--customize-hook=${join(work, 'customize.sh')}`,
          SUITE,
          tarball,
          ...sources,
        ],
        // Without a terminal on stdin mmdebstrap would read its sources from it.
        { stdin: 'ignore', reject: false, all: true },
      );
      if (result.exitCode === 0) {
        mode = candidate;
        break;
      }
      failures.push(`--mode=${candidate}: ${(result.all ?? '').trim().split('\n').slice(-8).join('\n')}`);
      log(`linux-disk: mmdebstrap --mode=${candidate} failed; ${failures.length} of the modes tried`);
      await rm(tarball, { force: true });
    }
    if (!mode) {
      throw new Error(`expected mmdebstrap to build the ${SUITE} root file system in one of its modes, got failures:\n${failures.join('\n') || '(no mode usable: no user namespaces, not root, no fakechroot)'}`);
    }
    return mode;
}

/** The kernel and the initramfs Debian generated, copied out of the tarball's /boot for QEMU's -kernel and -initrd. */
async function bootFiles(work: string, tarball: string): Promise<void> {
    const boot = join(work, 'boot-files');
    await mkdir(boot);
    await execa('tar', ['-xf', tarball, '-C', boot, '--wildcards', './boot/vmlinuz-*', './boot/initrd.img-*']);
    const bootFiles = (await execa('sh', ['-c', 'ls boot'], { cwd: boot })).stdout.split('\n');
    const vmlinuz = bootFiles.find((f) => f.startsWith('vmlinuz-'));
    const initrd = bootFiles.find((f) => f.startsWith('initrd.img-'));
    if (!vmlinuz || !initrd) throw new Error(`expected /boot/vmlinuz-* and /boot/initrd.img-* in the image, got ${bootFiles.join(', ')}`);
    await rename(join(boot, 'boot', vmlinuz), join(work, 'vmlinuz'));
    await rename(join(boot, 'boot', initrd), join(work, 'initrd.img'));
    await rm(boot, { recursive: true, force: true });
}

/** The ext4 image made from the tarball, without mounting anything; returns its path. */
async function ext4Image(work: string): Promise<string> {
    // The tarball keeps owners and device nodes; unpacking it keeps them only as root, so other
    // users unpack and make the file system inside one fakeroot session.
    const rootDir = join(work, 'root');
    await mkdir(rootDir);
    const disk = join(work, 'disk.img');
    const make = `tar -xpf root.tar -C root --numeric-owner && mke2fs -q -t ext4 -d root -L ${ROOT_LABEL} -F disk.img ${DISK_SIZE}`;
    if (isRoot()) {
      await execa('sh', ['-c', make], { cwd: work });
    } else {
      await tool('fakeroot', 'fakeroot');
      await execa('fakeroot', ['sh', '-c', make], { cwd: work });
    }
    await rm(rootDir, { recursive: true, force: true });
  return disk;
}

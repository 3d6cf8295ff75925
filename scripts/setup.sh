#!/usr/bin/env bash
# Installs what the harness needs on a fresh Debian 12 machine: system packages, then npm packages.
# Safe to run again; it only installs what is missing. Run as root or with sudo available.
set -euo pipefail
cd "$(dirname "$0")/.."

# qemu-system-x86: every guest runs under its qemu-system-x86_64 (the 32-bit GNU Mach and MINIX too);
# busybox-static + cpio: the Linux guest's initramfs; gcc + libc6-dev: the statically linked payloads
# (the GNU Mach payload is gcc -m32 -ffreestanding -nostdinc with gcc's own headers only, so it needs
# no gcc-multilib; its i386 kernel package is fetched by the harness with a private apt configuration); binutils: objcopy (seL4 kernels), readelf (the
# libraries perf needs) and nm (the anatomy's symbols, docs/anatomy.md); util-linux: taskset pins vCPU threads; procps: tests look for leftover QEMUs;
# chromium: the test that opens report.html in a real browser (driven by playwright-core), with
# fonts-liberation: Helvetica-metric fonts, the widths the charts are laid out with.
# The Debian disk guest and ssh targets (docs/guests/linux-disk.md, docs/ssh-target.md): mmdebstrap
# (+ gpg, uidmap for its unprivileged mode, fakeroot) builds the image's root file system, e2fsprogs'
# mke2fs makes the ext4 image; openssh-client's ssh-keygen makes the harness's and the image's keys;
# openssh-server's sshd is what the ssh-target test runs on loopback (the system service it would
# start is disabled again below when this script installed it: the harness needs only the binary).
# The Slurm tests (test/support/slurm-cluster.ts) start a single-node Slurm of their own: munge
# (munged, mungekey), slurmctld, slurmd (with slurmstepd) and slurm-client (sbatch, squeue, scancel,
# scontrol, sinfo); the services these packages enable, and munge's that its postinst starts, are
# disabled and stopped again below when this script installed them.
packages=(qemu-system-x86 busybox-static cpio gcc libc6-dev binutils util-linux procps chromium fonts-liberation
  mmdebstrap gpg uidmap fakeroot e2fsprogs openssh-client openssh-server munge slurmctld slurmd slurm-client)

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# apt-cache must know the kernel packages the Linux guest is built from, even when nothing is missing.
if [ "${#missing[@]}" -gt 0 ] || ! apt-cache show --no-all-versions linux-image-cloud-amd64 >/dev/null 2>&1; then
  sudo_if_needed apt-get update -qq
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [[ " ${missing[*]} " == *" openssh-server "* ]] && command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
    echo "setup: disabling the ssh service openssh-server started (the tests run their own sshd on loopback)" >&2
    sudo_if_needed systemctl disable --now ssh.service ssh.socket >/dev/null 2>&1 || true
  fi
  slurm_services=()
  for s in munge slurmctld slurmd; do [[ " ${missing[*]} " == *" $s "* ]] && slurm_services+=("$s"); done
  if [ "${#slurm_services[@]}" -gt 0 ]; then
    echo "setup: disabling and stopping the ${slurm_services[*]} service(s) just installed (the tests run their own daemons)" >&2
    if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
      for s in "${slurm_services[@]}"; do sudo_if_needed systemctl disable --now "$s.service" >/dev/null 2>&1 || true; done
    else
      # No systemd: invoke-rc.d ran the SysV script (munge's starts munged; slurmd's and slurmctld's do
      # nothing without /etc/slurm/slurm.conf). Stop it, and keep a SysV boot from starting it.
      for s in "${slurm_services[@]}"; do
        [ -x "/etc/init.d/$s" ] && { sudo_if_needed "/etc/init.d/$s" stop >/dev/null 2>&1 || true; }
        sudo_if_needed update-rc.d "$s" disable >/dev/null 2>&1 || true
      done
    fi
  fi
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci" >&2
  npm ci --no-audit --no-fund
fi

#!/usr/bin/env bash
# Boots a Linux kernel with 2 vCPUs under the harness's deterministic icount mode, WITHOUT the
# workaround the Linux adapter uses (maxcpus=1 + the payload's hb.cpuup=pause), and says whether the
# second CPU came up. Under QEMU 7.2 it does not: the round-robin icount loop starves vCPU 1 while the
# boot CPU waits for it without PAUSE or HLT (docs/icount-smp.md). Use it to check whether the QEMU at
# hand still needs the workaround.
#
#   scripts/repro-icount-smp.sh VMLINUZ [CPU-MODEL] [SECONDS]
#
# VMLINUZ: e.g. .cache/debian/packages/linux-image-*/root/boot/vmlinuz-* (harness build linux fetches
# it). CPU-MODEL defaults to the TCG model the guests are moving to; SECONDS (default 120) is how long
# to wait, in host time. Exits 0 when the hang reproduced, 1 when CPU 1 came up, 2 on bad usage.
set -euo pipefail

if [ $# -lt 1 ] || [ ! -f "$1" ]; then
  echo "usage: $0 VMLINUZ [CPU-MODEL] [SECONDS]" >&2
  exit 2
fi
kernel=$1
cpu=${2:-Nehalem,-vme,+pdpe1gb,-xsave,-xsaveopt,-xsavec,+fsgsbase,-invpcid,+syscall,+lm,+rdtscp,enforce}
seconds=${3:-120}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# The harness's tcg-icount arguments (harness/qemu/argv.ts accelArgs); no initramfs: the kernel
# panics for want of a root file system once it is past SMP bring-up, which is far enough.
timeout "$seconds" qemu-system-x86_64 -nodefaults -no-user-config -display none -no-reboot \
  -accel tcg -icount shift=0,sleep=off -seed 1 -rtc base=2000-01-01T00:00:00,clock=vm \
  -cpu "$cpu" -smp 2 -m 512 -kernel "$kernel" \
  -append 'console=ttyS0 earlyprintk=serial,ttyS0 ignore_loglevel panic=-1' \
  -serial "file:$log" >/dev/null 2>&1 || true

if grep -q 'smp: Brought up .* 2 CPUs' "$log"; then
  grep -m1 'smp: Brought up' "$log"
  echo "CPU 1 came up within $seconds s: this QEMU does not starve it"
  exit 1
fi
echo "hang reproduced: no 'Brought up ... 2 CPUs' within $seconds s; the console ends with:"
tail -n 3 "$log"
exit 0

import { constants } from 'node:fs';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Accel, AccelChoice } from '../units.js';
import { accelArgs, baseArgs, bootArgs, cpuArgs, escapeOptionValue, machineArgs } from './argv.js';
import { describeExit, QemuProcess } from './process.js';

export interface AccelDecision {
  accel: Accel;
  reason: string;
}

/** What `auto` falls back to: the mode whose figures are deterministic and comparable across guests. */
export const FALLBACK_ACCEL: Accel = 'tcg-icount';

export const KVM_PROBE_SECONDS = 15;

/** Printed by start_kernel, i.e. after the decompressor: where nested KVM is seen to hang. */
const KERNEL_STARTED = /Linux version \d/;

/**
 * Boots a Linux kernel under KVM and waits for it to start. /dev/kvm existing is not enough: nested
 * KVM can accept the VM and then hang after the decompressor, so only a kernel that prints counts.
 */
export async function probeKvm(qemuBinary: string, kernel: string, timeoutSeconds = KVM_PROBE_SECONDS): Promise<{ ok: boolean; reason: string }> {
  try {
    await access('/dev/kvm', constants.R_OK | constants.W_OK);
  } catch (error) {
    return { ok: false, reason: `/dev/kvm is not usable (${(error as Error).message})` };
  }
  const dir = await mkdtemp(join(tmpdir(), 'hb-kvm-probe-'));
  const log = join(dir, 'console.log');
  const qemu = QemuProcess.start(qemuBinary, [
    ...baseArgs(),
    ...accelArgs('kvm'),
    ...cpuArgs('kvm'),
    ...machineArgs(1, 256),
    '-serial',
    `file:${escapeOptionValue(log)}`,
    ...bootArgs(kernel, undefined, 'console=ttyS0 earlyprintk=serial,ttyS0 panic=-1'),
  ]);
  try {
    const deadline = Date.now() + timeoutSeconds * 1000;
    while (Date.now() < deadline) {
      const text = await readFile(log, 'utf8').catch(() => '');
      if (KERNEL_STARTED.test(text)) return { ok: true, reason: 'a probe boot under KVM reached the kernel' };
      if (qemu.hasExited) return { ok: false, reason: `QEMU with KVM exited during the probe boot (${describeExit(await qemu.exited)})` };
      await sleep(100);
    }
    return { ok: false, reason: `a probe boot under KVM printed no "Linux version" within ${timeoutSeconds} s (nested KVM hangs this way)` };
  } finally {
    await qemu.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function chooseAccel(choice: AccelChoice, probe: () => Promise<{ ok: boolean; reason: string }>): Promise<AccelDecision> {
  if (choice !== 'auto') return { accel: choice, reason: `${choice} was asked for` };
  const result = await probe();
  if (result.ok) return { accel: 'kvm', reason: `auto: ${result.reason}` };
  return { accel: FALLBACK_ACCEL, reason: `auto: KVM not used: ${result.reason}; using ${FALLBACK_ACCEL}` };
}

/**
 * vCPUs the guest can have under an accelerator. QEMU 7.2 runs icount vCPUs round-robin in one
 * thread and gives the running one every instruction up to the next timer deadline, so a vCPU
 * runs only while those before it pause or halt, and an OS whose boot CPU waits for the others
 * without either hangs at SMP bring-up (docs/icount-smp.md). Only a guest whose adapter says it
 * comes up (`icountSmp`: Linux bringing its CPUs up from the payload, seL4 whose kernel does it
 * itself) keeps its vCPUs; every other icount guest is uniprocessor and its cross-vCPU benchmarks
 * are skipped.
 */
export function effectiveVcpus(accel: Accel, requested: number, icountSmp = false): { vcpus: number; note?: string } {
  if (accel === 'tcg-icount' && requested > 1 && !icountSmp) {
    return {
      vcpus: 1,
      note: `tcg-icount guests of this kind are uniprocessor, as QEMU 7.2 starves a vCPU whose boot CPU waits for it without pausing: ${requested} vCPUs configured, 1 used`,
    };
  }
  return { vcpus: requested };
}

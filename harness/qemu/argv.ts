import type { Accel } from '../units.js';

/** Everything that decides one QEMU invocation; argv is derived from it by the pure functions below. */
export interface QemuPlan {
  binary: string;
  accel: Accel;
  /** QEMU `-cpu` model; defaults per accelerator (defaultCpuModel). */
  cpuModel?: string;
  vcpus: number;
  memoryMiB: number;
  /** Undefined boots from a disk given in `extraArgs`. */
  kernel?: string;
  initrd?: string;
  append?: string;
  /** First serial port: the guest console, captured to this file. */
  consoleLog: string;
  /** Second serial port: the binary data channel, captured to this file. */
  dataFile: string;
  /** When set, the console is also served here for typing at it. */
  consoleSocket?: string;
  qmpSocket: string;
  /** Start with vCPUs stopped (`-S`) so threads can be pinned before the guest runs. */
  startPaused: boolean;
  /** Guest-specific devices and options, appended as given. */
  extraArgs?: string[];
}

export function accelArgs(accel: Accel): string[] {
  switch (accel) {
    case 'kvm':
      return ['-accel', 'kvm'];
    case 'tcg':
      // One host thread per vCPU, so each can be pinned.
      return ['-accel', 'tcg,thread=multi'];
    case 'tcg-icount':
      // shift=0: one guest TSC tick per guest instruction; sleep=off: guest time never waits on host
      // time. The guest's other inputs from the host are fixed too, or runs differ: -seed makes
      // RDRAND and the boot RNG seed deterministic, and the RTC starts at a fixed date in guest time.
      return ['-accel', 'tcg', '-icount', 'shift=0,sleep=off', '-seed', '1', '-rtc', 'base=2000-01-01T00:00:00,clock=vm'];
    case 'native':
      throw new Error('expected a QEMU accelerator, got native (an ssh target runs no QEMU)');
  }
}

/**
 * The CPU every guest boots with under TCG unless the config names another: one model for all, as
 * the model decides which paths a kernel takes (FPU state saving, PCID, speculation mitigations).
 * Nehalem-class (SSE4.2, no AVX), with what the guests need and TCG can give (`enforce` refuses a
 * feature TCG lacks instead of dropping it): `lm`, `syscall` and `pdpe1gb` (1 GiB pages, which
 * seL4's x86_64 kernel window needs) for 64-bit kernels; `rdtscp` for the payloads' timer;
 * `fsgsbase`. Without: XSAVE (seL4 hangs under TCG with it, and FXSAVE is what every guest then
 * saves FPU state with), INVPCID (TCG has no PCIDs) and VME (a virtual-8086 extension no guest
 * here uses). 32-bit kernels (GNU Mach, MINIX) boot on it too, under qemu-system-x86_64.
 */
export const COMMON_TCG_CPU_MODEL = 'Nehalem,-vme,+pdpe1gb,-xsave,-xsaveopt,-xsavec,+fsgsbase,-invpcid,+syscall,+lm,+rdtscp,enforce';

/** Under KVM the host's own CPU (what the figures are real ticks of); under TCG the common model. */
export function defaultCpuModel(accel: Accel): string {
  return accel === 'kvm' ? 'host' : COMMON_TCG_CPU_MODEL;
}

/** The `-cpu` model of a run, and a guest's: its own when it names one (flagged), else the run's. */
export interface CpuModelChoice {
  model: string;
  /** Set when the guest's model is not the run's: its figures were taken on another CPU. */
  override?: { runModel: string };
}

export function chooseCpuModel(accel: Accel, runModel: string | undefined, guestModel: string | undefined): CpuModelChoice {
  const run = runModel ?? defaultCpuModel(accel);
  if (guestModel === undefined || guestModel === run) return { model: run };
  return { model: guestModel, override: { runModel: run } };
}

export function cpuArgs(accel: Accel, model?: string): string[] {
  return ['-cpu', model ?? defaultCpuModel(accel)];
}

export function machineArgs(vcpus: number, memoryMiB: number): string[] {
  return ['-smp', String(vcpus), '-m', String(memoryMiB)];
}

/** QEMU splits option values at commas; a literal comma is written twice. */
export function escapeOptionValue(value: string): string {
  return value.replaceAll(',', ',,');
}

/**
 * The console on the first serial port, logged to a file; with `consoleSocket` it is also served
 * on a unix socket so the harness can type at it (QEMU logs both directions' guest output).
 */
export function serialArgs(consoleLog: string, dataFile: string, consoleSocket?: string): string[] {
  const console =
    consoleSocket === undefined
      ? `file,id=console,path=${escapeOptionValue(consoleLog)}`
      : `socket,id=console,path=${escapeOptionValue(consoleSocket)},server=on,wait=off,logfile=${escapeOptionValue(consoleLog)}`;
  return ['-chardev', console, '-serial', 'chardev:console', '-chardev', `file,id=data,path=${escapeOptionValue(dataFile)}`, '-serial', 'chardev:data'];
}

export function qmpArgs(socket: string): string[] {
  return ['-qmp', `unix:${escapeOptionValue(socket)},server=on,wait=off`];
}

export function bootArgs(kernel: string, initrd?: string, append?: string): string[] {
  return ['-kernel', kernel, ...(initrd === undefined ? [] : ['-initrd', initrd]), ...(append === undefined ? [] : ['-append', append])];
}

/** Devices and behaviours every run wants: no defaults, no display, exit instead of reboot. */
export function baseArgs(): string[] {
  return ['-nodefaults', '-no-user-config', '-display', 'none', '-no-reboot'];
}

export function qemuArgv(plan: QemuPlan): string[] {
  return [
    ...baseArgs(),
    ...accelArgs(plan.accel),
    ...cpuArgs(plan.accel, plan.cpuModel),
    ...machineArgs(plan.vcpus, plan.memoryMiB),
    ...serialArgs(plan.consoleLog, plan.dataFile, plan.consoleSocket),
    ...qmpArgs(plan.qmpSocket),
    ...(plan.kernel === undefined ? [] : bootArgs(plan.kernel, plan.initrd, plan.append)),
    ...(plan.extraArgs ?? []),
    ...(plan.startPaused ? ['-S'] : []),
  ];
}

/** A named fw_cfg blob: how guests without a kernel command line get their settings. */
export function fwCfgStringArgs(name: string, value: string): string[] {
  return ['-fw_cfg', `name=${escapeOptionValue(name)},string=${escapeOptionValue(value)}`];
}

/** The isa-debug-exit device: a guest that writes to its port ends QEMU. */
export function debugExitArgs(ioBase = 0xf4): string[] {
  return ['-device', `isa-debug-exit,iobase=0x${ioBase.toString(16)},iosize=0x04`];
}

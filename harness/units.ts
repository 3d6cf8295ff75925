/**
 * What a timer tick means depends on how the guest ran, and figures are only comparable when their
 * units agree, so every figure carries one of these.
 */
export type Unit =
  /** TSC ticks on real hardware or KVM: real cycles at the TSC rate. */
  | 'tsc-ticks'
  /** The guest TSC under QEMU `-icount shift=0`: one tick per guest instruction; deterministic. */
  | 'guest-instructions'
  /** The guest TSC under plain TCG: follows host time, so it measures emulator speed. */
  | 'emulator-ticks';

export type Accel = 'kvm' | 'tcg' | 'tcg-icount';
export type AccelChoice = Accel | 'auto';

export function unitForAccel(accel: Accel): Unit {
  switch (accel) {
    case 'kvm':
      return 'tsc-ticks';
    case 'tcg-icount':
      return 'guest-instructions';
    case 'tcg':
      return 'emulator-ticks';
  }
}

/** Caveat printed beside figures whose unit cannot be compared across systems. */
export function unitCaveat(unit: Unit): string | undefined {
  return unit === 'emulator-ticks' ? 'emulator timing: not comparable across systems' : undefined;
}

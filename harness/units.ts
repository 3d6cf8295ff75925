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

/**
 * How the payload's CPU ran: under QEMU with one of its accelerators, or `native` on a machine of
 * its own (an ssh target, no QEMU), whose TSC ticks are real cycles as under KVM. Only QEMU's can
 * be asked for (AccelChoice); `native` is what an ssh target's figures say they are.
 */
export type Accel = 'kvm' | 'tcg' | 'tcg-icount' | 'native';
export type AccelChoice = Exclude<Accel, 'native'> | 'auto';

export function unitForAccel(accel: Accel): Unit {
  switch (accel) {
    case 'kvm':
    case 'native':
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

/** What one unit of a figure is, for the line above a table. */
export function unitMeaning(unit: Unit): string {
  switch (unit) {
    case 'tsc-ticks':
      return "TSC ticks on the host CPU under KVM, or on an ssh target's own CPU";
    case 'guest-instructions':
      return 'guest instructions under QEMU -icount (deterministic; orderings and ratios carry over to hardware, absolute cycles do not)';
    case 'emulator-ticks':
      return 'emulator ticks under plain TCG (emulator timing: not comparable across systems)';
  }
}

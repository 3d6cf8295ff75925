import type { ResultEntry } from '../analysis/results.js';
import type { Accel, Unit } from '../units.js';
import type { Hardware, PublishedUnit } from './types.js';

/**
 * How far a measured figure can stand beside a published one. The accelerator decides: KVM measures
 * real TSC ticks (on other hardware than the source's), tcg-icount counts guest instructions, plain
 * TCG times the emulator.
 */
export type Verdict = 'hardware differs' | 'not reproducible in this mode' | 'not comparable';

export interface Comparability {
  verdict: Verdict;
  /** Why, in a sentence a reader can act on. */
  text: string;
  /** The measured median and CI in the published unit, when the two can be set side by side. */
  converted?: { median: number; ci95: [number, number] };
}

/** The parts of a measured figure that decide comparability, already multiplied by the selector's scale. */
export interface MeasuredValue {
  unit: Unit;
  accel: Accel;
  median: number;
  ci95: [number, number];
  nanoseconds: ResultEntry['nanoseconds'];
}

const PUBLISHED_UNIT_PHRASE: Record<PublishedUnit, string> = {
  'tsc-ticks': 'TSC ticks (hardware time at the TSC rate)',
  'core-cycles': 'core clock cycles',
  cycles: 'hardware cycles',
  microseconds: 'microseconds of hardware time',
};

export function comparability(unit: PublishedUnit, hardware: Hardware, measured: MeasuredValue, hostCpu?: string): Comparability {
  const theirs = `${hardware.cpu}, ${hardware.clock}`;
  switch (measured.unit) {
    case 'emulator-ticks':
      return {
        verdict: 'not comparable',
        text:
          'not comparable: plain TCG figures are emulator timing (the guest TSC follows host time while QEMU emulates the guest), ' +
          'which measures the emulator on this host, not the system; rerun under kvm, or under tcg-icount to compare orderings and ratios between systems',
      };
    case 'guest-instructions':
      return {
        verdict: 'not reproducible in this mode',
        text:
          `not reproducible in this mode: tcg-icount counts guest instructions (one guest TSC tick per instruction), so this compares guest instructions with ${PUBLISHED_UNIT_PHRASE[unit]} on ${theirs}; ` +
          'orderings and ratios between systems can be compared, absolute figures cannot',
      };
    case 'tsc-ticks':
      return kvmComparability(unit, theirs, measured, hostCpu);
  }
}

function kvmComparability(unit: PublishedUnit, theirs: string, measured: MeasuredValue, hostCpu: string | undefined): Comparability {
  const ours = `under KVM on ${hostCpu ? `this host (${hostCpu})` : 'this host'}`;
  const difference = 'the CPUs, their TSC rates and microarchitectures differ, and ours ran in a virtual machine';
  const converted = { median: measured.median, ci95: measured.ci95 };
  switch (unit) {
    case 'tsc-ticks':
      return {
        verdict: 'hardware differs',
        text: `comparable with the hardware difference stated: both are TSC ticks, ours ${ours}, theirs on ${theirs}; ${difference}`,
        converted,
      };
    case 'core-cycles':
      return {
        verdict: 'hardware differs',
        text: `comparable with the hardware difference stated: ours are TSC ticks ${ours}, theirs core cycles on ${theirs}; TSC ticks count core cycles only while the core runs at the TSC rate (no turbo, no frequency scaling), and ${difference}`,
        converted,
      };
    case 'cycles':
      return {
        verdict: 'hardware differs',
        text: `comparable with the hardware difference stated: ours are TSC ticks ${ours}, theirs cycles on ${theirs} (the source does not say whether TSC ticks or core cycles); ${difference}`,
        converted,
      };
    case 'microseconds': {
      const ns = measured.nanoseconds;
      if (!('median' in ns)) {
        return {
          verdict: 'not comparable',
          text: `not comparable: the published figure is in microseconds and ours cannot be converted from TSC ticks (${ns.reason})`,
        };
      }
      return {
        verdict: 'hardware differs',
        text: `comparable with the hardware difference stated: ours converted to microseconds with the guest's TSC frequency, ${ours}, theirs on ${theirs}; ${difference}`,
        converted: { median: ns.median / 1000, ci95: [ns.ci95[0] / 1000, ns.ci95[1] / 1000] },
      };
    }
  }
}

/** Whether a ratio of two measured figures in `unit` can stand beside a published ratio between the same systems. */
export function ratioComparability(unit: Unit): { comparable: boolean; text: string } {
  switch (unit) {
    case 'guest-instructions':
      return {
        comparable: true,
        text: 'comparable as a ratio: both sides count guest instructions under tcg-icount; what cycles add on hardware (cache and TLB misses, pipeline stalls) is not in either',
      };
    case 'tsc-ticks':
      return { comparable: true, text: 'comparable as a ratio: both sides are TSC ticks under KVM on this host' };
    case 'emulator-ticks':
      return { comparable: false, text: 'not comparable: plain TCG figures are emulator timing, even as a ratio between systems' };
  }
}

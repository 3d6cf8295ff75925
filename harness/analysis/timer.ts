import type { Accel } from '../units.js';
import { WireKey } from '../wire/constants.js';

/** What a guest's payload found out about its timer, read from STREAM_BEGIN. */
export interface TimerFacts {
  timer: string;
  checkReads: number;
  backwards: number;
  maxBackwards: number;
  /** Hz, 0 when unknown. */
  tscHz: number;
  tscHzSource: string;
  /** Timer ticks per nanosecond of the guest's CLOCK_MONOTONIC, when the payload measured it. */
  ticksPerNs?: number;
}

const count = (info: Record<string, string>, key: string) => {
  const value = Number(info[key] ?? 0);
  return Number.isFinite(value) ? value : 0;
};

export function timerFacts(info: Record<string, string>): TimerFacts {
  const ns = count(info, WireKey.CLOCK_CHECK_NS);
  const ticks = count(info, WireKey.CLOCK_CHECK_TICKS);
  return {
    timer: info[WireKey.TIMER] ?? 'unknown',
    checkReads: count(info, WireKey.TIMER_CHECK_READS),
    backwards: count(info, WireKey.TIMER_BACKWARDS),
    maxBackwards: count(info, WireKey.TIMER_MAX_BACKWARDS),
    tscHz: count(info, WireKey.TSC_HZ),
    tscHzSource: info[WireKey.TSC_HZ_SOURCE] ?? 'none',
    ...(ns > 0 && ticks > 0 ? { ticksPerNs: ticks / ns } : {}),
  };
}

/** Flags for every figure of a guest whose timer misbehaved. */
export function timerFlags(facts: TimerFacts): string[] {
  if (facts.backwards === 0) return [];
  return [`the timer went backwards ${facts.backwards} times (by up to ${facts.maxBackwards} ticks) in a check of ${facts.checkReads} reads`];
}

/**
 * Ticks become nanoseconds only when they are real TSC ticks (KVM, or an ssh target's own CPU) and the TSC frequency is known;
 * guest instructions and emulator ticks are not time.
 */
export function nanosecondsPerTick(accel: Accel, facts: TimerFacts): { nsPerTick: number } | { reason: string } {
  if (accel !== 'kvm' && accel !== 'native') return { reason: `${accel} figures are not time: no conversion to ns` };
  if (facts.tscHz <= 0) return { reason: 'TSC frequency unknown (neither CPUID nor the guest kernel gave it): no conversion to ns' };
  return { nsPerTick: 1e9 / facts.tscHz };
}

export function describeTimer(facts: TimerFacts): string {
  const hz = facts.tscHz > 0 ? `${(facts.tscHz / 1e6).toFixed(3)} MHz (${facts.tscHzSource})` : 'unknown';
  const clock = facts.ticksPerNs !== undefined ? `; ${facts.ticksPerNs.toFixed(5)} ticks per ns of CLOCK_MONOTONIC` : '';
  return `${facts.timer}; ${facts.checkReads} back-to-back reads, ${facts.backwards} backwards; TSC frequency ${hz}${clock}`;
}

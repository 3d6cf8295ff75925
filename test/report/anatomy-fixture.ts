import type { AnatomyDocument, AnatomyMetric, TransitionKind } from '../../harness/analysis/anatomy.js';

/*
 * Small anatomy documents with figures from docs/anatomy.md's tables (Linux and GNU Mach under
 * tcg-icount, 10 000 windows per region): per-window user and kernel instructions, transitions
 * and CR3 writes as measured there, times the windows. Memory accesses are GNU Mach's as a run
 * here gave them; the function names are made up, to exercise the top-five list.
 */

const WINDOWS = 10000;

function metric(
  index: number,
  name: string,
  perWindow: { user: number; kernel: number; cr3: number; mem: number },
  transitions: Partial<Record<TransitionKind, number>>,
  extra: Partial<AnatomyMetric> = {},
): AnatomyMetric {
  const total = (value: number) => Math.round(value * WINDOWS);
  return {
    metric: name,
    opsPerSample: 1,
    index,
    ended: true,
    timerReads: 2 * WINDOWS,
    windows: WINDOWS,
    instructions: total(perWindow.user) + total(perWindow.kernel),
    user: total(perWindow.user),
    kernel: total(perWindow.kernel),
    memAccesses: total(perWindow.mem),
    cr3Writes: total(perWindow.cr3),
    transitions: { syscall: 0, sysret: 0, sysenter: 0, sysexit: 0, int: 0, iret: 0, lcall: 0, ...transitions },
    windowSizes: [[Math.round(perWindow.user + perWindow.kernel), WINDOWS]],
    blocks: [{ address: '0xffffffff81a0010c', executions: WINDOWS, instructions: 12 * WINDOWS }],
    ...extra,
  };
}

export function linuxAnatomy(): AnatomyDocument {
  return {
    format: 'harness-anatomy/1',
    guest: 'linux',
    os: 'linux',
    bits: 64,
    kernelBase: '0xffff800000000000',
    unbalancedMarks: 0,
    symbolSources: ['System.map of linux-image-6.1.0-test'],
    metrics: [
      metric(
        0,
        'syscall.null',
        { user: 12, kernel: 349, cr3: 2.0002, mem: 150 },
        { syscall: 10000, sysret: 10000 },
        {
          functions: [
            { symbol: 'entry_SYSCALL_64', instructions: 1_200_000 },
            { symbol: 'do_syscall_64', instructions: 900_000 },
            { symbol: 'syscall_exit_to_user_mode', instructions: 700_000 },
            { symbol: 'payload:bench_syscall', instructions: 120_000 },
            { symbol: '__x64_sys_getppid', instructions: 100_000 },
            { symbol: 'switch_mm_irqs_off', instructions: 90_000 },
            { symbol: '(other)', instructions: 500_000 },
          ],
          // More functions than the list has: it is cut after its first ones.
          functionCount: 48,
        },
      ),
      metric(1, 'ipc.roundtrip.pipe.thread.same', { user: 47, kernel: 12882.7, cr3: 8.0006, mem: 7000 }, { syscall: 40002, sysret: 40002 }),
      metric(2, 'ipc.roundtrip.futex.thread.same', { user: 66, kernel: 9940.1, cr3: 8.0006, mem: 5500 }, { syscall: 40002, sysret: 40002 }),
      metric(3, 'ipc.roundtrip.futex.thread.cross', { user: 66, kernel: 13697.9, cr3: 8.0004, mem: 7600 }, { syscall: 40001, sysret: 40001, iret: 20070 }),
      metric(4, 'ctxswitch.yield', { user: 16, kernel: 4219.8, cr3: 4, mem: 2300 }, { syscall: 20000, sysret: 20000 }),
    ],
  };
}

export function gnumachAnatomy(): AnatomyDocument {
  return {
    format: 'harness-anatomy/1',
    guest: 'gnumach',
    os: 'gnumach',
    bits: 32,
    kernelBase: '0xc0000000',
    unbalancedMarks: 0,
    symbolSources: [],
    metrics: [
      // A stripped kernel: its code has no name, the payload's has.
      metric(
        0,
        'syscall.null',
        { user: 7, kernel: 430, cr3: 0, mem: 256 },
        { iret: 10001, lcall: 10000 },
        {
          functions: [
            { symbol: '?kernel', instructions: 4_300_000 },
            { symbol: 'payload:hb_bench_syscall_task_self', instructions: 70_000 },
          ],
          functionCount: 1,
        },
      ),
      metric(1, 'ipc.roundtrip.machmsg.thread.same', { user: 26, kernel: 2401.1, cr3: 0, mem: 1494.1 }, { iret: 20003, lcall: 20000 }),
      metric(2, 'ipc.roundtrip.machmsg.process.same', { user: 26, kernel: 1985.1, cr3: 2, mem: 1550.1 }, { iret: 20002, lcall: 20000 }),
      // A sample of the hand-off is two switches (opsPerSample 2).
      metric(3, 'ctxswitch.handoff', { user: 15, kernel: 1332, cr3: 0, mem: 880 }, { iret: 20001, lcall: 20000 }, { opsPerSample: 2 }),
    ],
  };
}

/**
 * The metric names of the GNU Mach payload's benchmark table (`hb_gnumach_benches`,
 * guests/gnumach/benchmarks.c), in its order. test/guests/benchmarks.test.ts fails when it and the
 * C table differ.
 */
export const GNUMACH_BENCHMARKS: readonly string[] = [
  'syscall.null',
  'syscall.null.invalidtrap',
  'ipc.roundtrip.machmsg.thread.same',
  'ipc.oneway.machmsg.thread.same',
  'ipc.oneway.machmsgreply.thread.same',
  'ipc.roundtrip.machmsg.process.same',
  'ctxswitch.handoff',
  'pagefault.anon',
];

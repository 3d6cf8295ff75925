/**
 * The metric names of the seL4 root task's benchmark table (`hb_sel4_benches`,
 * guests/sel4/benchmarks.c), in its order; the `*.cross` ones run on an SMP kernel only (skipped,
 * with that reason, on one CPU). test/guests/benchmarks.test.ts fails when it and the C table differ.
 */
export const SEL4_BENCHMARKS: readonly string[] = [
  'syscall.null',
  'syscall.null.nbsendnull',
  'ipc.roundtrip.sel4call.thread.same',
  'ipc.oneway.sel4call.thread.same',
  'ipc.oneway.sel4reply.thread.same',
  'ipc.roundtrip.sel4call.process.same',
  'ctxswitch.yield',
  'pagefault.pager',
  'ipc.roundtrip.sel4call.thread.cross',
  'ipc.oneway.sel4call.thread.cross',
  'ipc.oneway.sel4reply.thread.cross',
];

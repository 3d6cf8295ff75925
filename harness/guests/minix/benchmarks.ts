/**
 * The metric names of the MINIX payload's benchmark table (`hb_minix_benches`,
 * guests/minix/benchmarks.c), in its order. test/guests/benchmarks.test.ts fails when it and the C
 * table differ.
 */
export const MINIX_BENCHMARKS: readonly string[] = [
  'syscall.null',
  'syscall.null.ebadcall',
  'ipc.roundtrip.minixsendrec.process.same',
  'ipc.roundtrip.pipe.process.same',
  'ctxswitch.pipe',
  'pagefault.anon',
];

/**
 * The metric names of the Linux payload's benchmark table (`hb_linux_benches`,
 * guests/linux/benchmarks.c), in its order. Every Linux adapter runs that payload (the initramfs
 * guest, the Debian disk image, an SSH target), so all three declare this list.
 * test/guests/benchmarks.test.ts fails when it and the C table differ.
 */
export const LINUX_BENCHMARKS: readonly string[] = [
  'syscall.null',
  'syscall.null.enosys',
  'ipc.roundtrip.pipe.thread.same',
  'ipc.roundtrip.pipe.thread.cross',
  'ipc.roundtrip.pipe.process.same',
  'ipc.roundtrip.pipe.process.cross',
  'ipc.roundtrip.futex.thread.same',
  'ipc.roundtrip.futex.thread.cross',
  'ipc.roundtrip.futex.process.same',
  'ipc.roundtrip.futex.process.cross',
  'ipc.roundtrip.eventfd.thread.same',
  'ipc.roundtrip.eventfd.thread.cross',
  'ipc.roundtrip.eventfd.process.same',
  'ipc.roundtrip.eventfd.process.cross',
  'ipc.roundtrip.unix.thread.same',
  'ipc.roundtrip.unix.thread.cross',
  'ipc.roundtrip.unix.process.same',
  'ipc.roundtrip.unix.process.cross',
  'ctxswitch.yield',
  'ctxswitch.futex',
  'pagefault.anon',
  'pagefault.file',
];

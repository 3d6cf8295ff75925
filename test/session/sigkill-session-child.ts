// A process that runs one boot's session against a fake QEMU and waits: test/session/sigkill-sockets.test.ts
// SIGKILLs it mid-boot, as a user would a harness. Arguments: the fake QEMU, the kernel file, the boot's folder.
import type { GuestConfig } from '../../harness/config/types.js';
import { runGuestSession } from '../../harness/session/qemu-session.js';

const [binary, kernel, guestDir] = process.argv.slice(2) as [string, string, string];
const guest: GuestConfig = {
  name: 'linux',
  os: 'linux',
  vcpus: 1,
  memoryMiB: 256,
  pin: undefined,
  benchmarks: { boots: 1, iterations: 50, warmup: 0, include: ['*'] },
  peers: [],
  image: {},
};
await runGuestSession({
  guest,
  prepared: { boot: { qemuBinary: binary, kernel }, provenance: {} },
  accel: 'tcg-icount',
  vcpus: 1,
  guestDir,
  // Never reached: the test kills this process while the fake guest hangs.
  timeouts: { bootSeconds: 600, benchmarkSeconds: 600, shutdownSeconds: 600 },
  emit: () => undefined,
  pollMs: 20,
});

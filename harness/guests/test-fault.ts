/**
 * TEST-ONLY fault injection, for the reliability tests (docs/reliability.md). The environment
 * variable HB_TEST_FAULT=GUEST=FAULT[,GUEST=FAULT...] makes the named guests misbehave on purpose;
 * nothing in a config can ask for it, so a normal run never does. Only the Linux adapter reads it.
 *
 * An environment variable rather than a config key: the config schema stays what users see, a
 * config file cannot carry a fault into someone else's run, and the fault still shows wherever it
 * matters (the kernel command line in the manifest's argv, `testFault` in the guest's provenance,
 * and a guest-preparing line).
 */
export const TEST_FAULT_ENV = 'HB_TEST_FAULT';

/** Faults the payload itself acts on (hb.fault=NAME, guests/linux/fault.h). */
export const PAYLOAD_FAULTS = ['hang-at-boot', 'hang-mid-benchmark', 'panic'] as const;
/** Faults the adapter makes by booting differently: a kernel with no init (it panics), no kernel at all (nothing printed). */
export const BOOT_FAULTS = ['panic-at-boot', 'no-kernel'] as const;

export type TestFault = (typeof PAYLOAD_FAULTS)[number] | (typeof BOOT_FAULTS)[number];

const ALL: readonly string[] = [...PAYLOAD_FAULTS, ...BOOT_FAULTS];

/** The fault HB_TEST_FAULT asks of this guest, if any. A malformed value is an error, never ignored. */
export function testFaultFor(guest: string, env: NodeJS.ProcessEnv = process.env): TestFault | undefined {
  const value = env[TEST_FAULT_ENV];
  if (!value) return undefined;
  let found: TestFault | undefined;
  for (const item of value.split(',')) {
    const match = /^([^=]+)=(.+)$/.exec(item.trim());
    if (!match || !ALL.includes(match[2]!)) {
      throw new Error(`expected ${TEST_FAULT_ENV} to be GUEST=FAULT[,GUEST=FAULT...] with FAULT one of ${ALL.join(', ')}, got '${value}'`);
    }
    if (match[1] === guest) found = match[2] as TestFault;
  }
  return found;
}

export function isPayloadFault(fault: TestFault): fault is (typeof PAYLOAD_FAULTS)[number] {
  return (PAYLOAD_FAULTS as readonly string[]).includes(fault);
}

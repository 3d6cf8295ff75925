import type { RunConfig } from '../../config/types.js';
import { adapterFor } from '../../guests/registry.js';
import { checkQemu } from '../../qemu/version.js';
import { readBootData } from '../../rundir/boot-data.js';
import type { GuestManifest, Manifest } from '../../rundir/manifest.js';
import { streamExpectation } from '../../wire/expectation.js';
import type { GuestStream } from '../../wire/stream.js';

export const QEMU_X86_64 = 'qemu-system-x86_64';

/** Checks each QEMU binary once per run (present, recent enough) and remembers its version line. */
export function qemuChecker(): (binary: string) => Promise<string> {
  const checked = new Map<string, Promise<string>>();
  return (binary) => {
    let version = checked.get(binary);
    if (!version) {
      version = checkQemu(binary);
      checked.set(binary, version);
    }
    return version;
  };
}

/** Whether any guest of the config boots under QEMU (ssh targets do not). */
export function needsQemu(config: RunConfig): boolean {
  return config.guests.some((guest) => adapterFor(guest).reach !== 'ssh');
}

/** A guest's finished boots from an earlier invocation of the run, read back for `--resume`. */
export interface KeptGuest {
  entry: GuestManifest;
  streams: Map<number, GuestStream>;
}

/**
 * The boots of the run being resumed that finished (done or failed), with their streams read back
 * from data.bin; the boot that was running and every guest not reached are run again. A guest
 * with no finished boot is run from the start, skip checks and all.
 */
export async function keptGuests(runDir: string, config: RunConfig, manifest: Manifest): Promise<Map<string, KeptGuest>> {
  const kept = new Map<string, KeptGuest>();
  for (const entry of manifest.guests) {
    const boots = entry.boots.filter((b) => b.status === 'done' || b.status === 'failed');
    const guestConfig = config.guests.find((g) => g.name === entry.name);
    if (boots.length === 0 || !guestConfig) continue;
    const streams = new Map<number, GuestStream>();
    for (const boot of boots) streams.set(boot.boot, (await readBootData(runDir, entry.name, boot, streamExpectation(guestConfig))).stream);
    kept.set(entry.name, { entry: { ...entry, boots }, streams });
  }
  return kept;
}

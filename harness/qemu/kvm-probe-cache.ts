import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { sha256Hex } from '../hash.js';
import { KVM_PROBE_SECONDS } from './accel.js';

export interface KvmProbeOutcome {
  ok: boolean;
  reason: string;
}

interface KeptProbe extends KvmProbeOutcome {
  probedAt: string;
}

/** Changes with every boot of the host, so a kept outcome never outlives the kernel and KVM module it was probed on. */
const BOOT_ID = '/proc/sys/kernel/random/boot_id';

export interface KeptProbeOptions {
  cacheDir: string;
  /** Probe again and keep the new outcome (`harness run --refresh`). */
  refresh: boolean;
  /** What identifies the probe besides the host and its boot, e.g. the QEMU version. */
  inputs: readonly string[];
  /** Where the host's boot id is read (tests give a file of their own). */
  bootIdFile?: string;
}

/**
 * The KVM probe's outcome, kept for the host's current boot: a host whose /dev/kvm hangs costs
 * the probe's whole timeout (15 s) on every `accel: auto` run otherwise. Whether KVM works does
 * not change while the host runs, short of loading another KVM module; `--refresh` probes again.
 * Without a readable boot id nothing is kept and every run probes.
 */
export async function keptKvmProbe(options: KeptProbeOptions, probe: () => Promise<KvmProbeOutcome>): Promise<KvmProbeOutcome> {
  const bootId = (await readFile(options.bootIdFile ?? BOOT_ID, 'utf8').catch(() => '')).trim();
  if (!bootId) return probe();
  const dir = join(options.cacheDir, 'host');
  const file = join(dir, `kvm-probe-${sha256Hex([hostname(), bootId, String(KVM_PROBE_SECONDS), ...options.inputs]).slice(0, 16)}.json`);
  const kept = options.refresh ? undefined : await readKept(file);
  if (kept) return { ok: kept.ok, reason: `${kept.reason} (probed at ${kept.probedAt}, kept for this host boot; --refresh probes again)` };
  const outcome = await probe();
  await mkdir(dir, { recursive: true });
  // Written aside and renamed: runs started together read either no file or a whole one.
  const temporary = `${file}.tmp-${process.pid}`;
  await writeFile(temporary, `${JSON.stringify({ ...outcome, probedAt: new Date().toISOString() } satisfies KeptProbe)}\n`);
  await rename(temporary, file);
  return outcome;
}

/** A kept outcome, or undefined when there is none or it does not read as one (then the probe runs again). */
async function readKept(file: string): Promise<KeptProbe | undefined> {
  try {
    const value = JSON.parse(await readFile(file, 'utf8')) as Partial<KeptProbe>;
    if (typeof value.ok === 'boolean' && typeof value.reason === 'string' && typeof value.probedAt === 'string') return value as KeptProbe;
  } catch {
    // Absent or damaged: probe again.
  }
  return undefined;
}

import type { GuestManifest, JobRecord } from '../rundir/manifest.js';
import type { Accel } from '../units.js';

/**
 * Boots of one guest whose figures may be pooled: they ran with the same accelerator and, unless
 * that is tcg-icount (which counts guest instructions whatever the host), on the same CPU model.
 * `label` is set when a guest has more than one group: its figures are then reported per group,
 * as `guest [label]`, never pooled.
 */
export interface HostGroup {
  accel: Accel;
  label?: string;
  boots: number[];
}

/** Where each of a guest's boots ran, from the job that ran it (manifest `executor.jobs`). */
export function hostGroups(guest: Pick<GuestManifest, 'accel' | 'boots'>, jobs: readonly JobRecord[] | undefined): HostGroup[] {
  const groups = new Map<string, { accel: Accel; cpu: string; boots: number[] }>();
  for (const boot of guest.boots) {
    const job = jobs?.find((j) => j.id === boot.job);
    const accel = job?.accel ?? guest.accel;
    if (!accel) continue;
    const cpu = job?.host?.cpuModel ?? '';
    const key = accel === 'tcg-icount' ? accel : `${accel}\n${cpu}`;
    const group = groups.get(key) ?? { accel, cpu, boots: [] };
    group.boots.push(boot.boot);
    groups.set(key, group);
  }
  const all = [...groups.values()];
  if (all.length <= 1) return all.map(({ accel, boots }) => ({ accel, boots }));
  const accels = new Set(all.map((g) => g.accel));
  return all.map(({ accel, cpu, boots }) => ({
    accel,
    boots,
    label: [accels.size > 1 ? accel : '', accel === 'tcg-icount' ? '' : cpu || 'this host'].filter(Boolean).join(', '),
  }));
}

/** The name a group's figures are reported under. */
export function groupGuestName(guest: string, group: Pick<HostGroup, 'label'>): string {
  return group.label === undefined ? guest : `${guest} [${group.label}]`;
}

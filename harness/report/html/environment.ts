import type { GuestManifest, Manifest } from '../../rundir/manifest.js';
import { executorSummary } from '../executor-summary.js';
import type { ReportContext } from '../markdown.js';

/** Hardware virtualisation as the host CPU advertises it: whether KVM was possible at all. */
function virtualisation(flags: readonly string[]): string {
  const found = ['vmx', 'svm'].filter((f) => flags.includes(f));
  return found.length > 0 ? found.join(', ') : 'none advertised (no KVM)';
}

/**
 * The run-wide facts a reader needs to reproduce or judge the figures. Only what the manifest
 * records: the config's path and the command line are left out, as they name this machine's files.
 */
export function environmentFacts(manifest: Manifest): [string, string][] {
  const { host, project, accel } = manifest;
  const executor = executorSummary(manifest);
  return [
    ['run', `${manifest.runId}${manifest.complete ? '' : ' (**incomplete**)'}`],
    ['started / finished', `${manifest.startedAt} / ${manifest.finishedAt ?? 'not finished'}`],
    ['host CPU', `${host.cpuModel}; ${host.logicalCpus} logical CPUs; ${(host.memoryBytes / 2 ** 30).toFixed(1)} GiB memory`],
    ['hardware virtualisation', virtualisation(host.cpuFlags)],
    ['host kernel', host.kernel],
    ...(executor ? [['executor', executor] as [string, string]] : []),
    ['accelerator', `${accel.chosen ?? 'none chosen'} (asked for ${accel.requested}${accel.reason ? `; ${accel.reason}` : ''})`],
    ['project revision', `${project.commit}${project.dirty ? ' (with uncommitted changes: the commit alone does not reproduce this run)' : ''}`],
    ['Node.js', project.nodeVersion],
    ['config', `${manifest.config.copy} (SHA-256 ${manifest.config.sha256})`],
  ];
}

export const GUEST_ENVIRONMENT_HEADERS = [
  'guest',
  'OS',
  'status',
  'guest kernel',
  'timer',
  'vCPUs',
  'boots',
  'QEMU',
  'accelerator',
  'pinned host CPUs',
  'host warnings',
] as const;

/** Per guest: what it ran on and under, with the host's warnings about the CPUs it was pinned to. */
export function guestEnvironmentRow(guest: GuestManifest, runId: string, context: ReportContext): string[] {
  const known = context.guests.find((g) => g.name === guest.name && g.runId === runId);
  const failedBoots = guest.boots.filter((b) => b.status === 'failed').length;
  const status = `${guest.status}${guest.reason ? `: ${guest.reason}` : ''}`;
  const vcpus = `${guest.vcpusUsed ?? guest.vcpusConfigured}${guest.vcpusNote ? ` (${guest.vcpusNote})` : ''}`;
  const boots = `${guest.boots.length}${failedBoots > 0 ? ` (${failedBoots} failed)` : ''}`;
  const conditions = guest.hostConditions;
  return [
    guest.name,
    // The OS, and how it was reached and which image, when the config said (runs before that recorded linux-disk or ssh as the os).
    [guest.os, ...(guest.reach ? [`reach ${guest.reach}`] : []), ...(guest.variant ? [`variant ${guest.variant}`] : [])].join(', '),
    status,
    known?.kernel ?? '—',
    known?.timer ?? '—',
    vcpus,
    boots,
    guest.qemuVersion ?? '—',
    guest.accel ? `${guest.accel}${known?.accelReason ? ` (${known.accelReason})` : ''}` : '—',
    conditions ? conditions.cpus.join(', ') || '—' : '—',
    conditions ? (conditions.warnings.length > 0 ? conditions.warnings.join('; ') : 'none') : '—',
  ];
}

import { stat } from 'node:fs/promises';
import path from 'node:path';

import type { ConfigIssue } from './errors.js';
import { imagePathKinds } from './image-paths.js';
import { isRecord, issueAt, type IssueContext } from './issues.js';
import { formatPath, renderValue } from './source.js';

/**
 * Checks JSON Schema cannot express: unique guest names, one pinned CPU per vCPU, pinned CPUs that
 * exist on this host (so no more pinned vCPUs than host CPUs), guest memory this host has, a report
 * baseline that names a guest. Runs on the data as validated (defaults filled in), even when the
 * schema found problems, so skips anything not shaped as expected (the schema reports that).
 *
 * Unpinned guests may have more vCPUs than the host has CPUs: QEMU time-shares their threads, which
 * boots and runs, but makes cross-vCPU figures measure the host's scheduler (docs/reliability.md).
 */
export function semanticIssues(data: unknown, context: IssueContext, hostCpus: number, hostMemoryMiB = Number.POSITIVE_INFINITY): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const guests = isRecord(data) ? data['guests'] : undefined;
  if (!Array.isArray(guests)) return issues;

  const firstWithName = new Map<string, number>();
  guests.forEach((guest: unknown, index) => {
    if (!isRecord(guest)) return;
    issues.push(
      ...nameIssues(guest, index, firstWithName, context),
      ...memoryIssues(guest, index, hostMemoryMiB, context),
      ...pinIssues(guest, index, hostCpus, context),
    );
  });

  const report = isRecord(data) ? data['report'] : undefined;
  const baseline = isRecord(report) ? report['baseline'] : undefined;
  if (typeof baseline === 'string' && !firstWithName.has(baseline)) {
    const names = [...firstWithName.keys()];
    issues.push(
      issueAt(context, ['report', 'baseline'], 'value', `the name of a guest of this config (${names.join(', ') || 'none named'})`, renderValue(baseline)),
    );
  }
  return issues;
}

/** A name another guest already has; records the first guest of each name in `firstWithName`. */
function nameIssues(guest: Record<string, unknown>, index: number, firstWithName: Map<string, number>, context: IssueContext): ConfigIssue[] {
  const name = guest['name'];
  if (typeof name !== 'string') return [];
  const first = firstWithName.get(name);
  if (first === undefined) {
    firstWithName.set(name, index);
    return [];
  }
  return [
    issueAt(
      context,
      ['guests', index, 'name'],
      'value',
      `a name no other guest has (${formatPath(['guests', first, 'name'])} is already ${JSON.stringify(name)})`,
      renderValue(name),
    ),
  ];
}

/** More guest memory than the host has. */
function memoryIssues(guest: Record<string, unknown>, index: number, hostMemoryMiB: number, context: IssueContext): ConfigIssue[] {
  const memory = guest['memoryMiB'];
  if (!(typeof memory === 'number' && Number.isInteger(memory) && memory > hostMemoryMiB)) return [];
  return [issueAt(context, ['guests', index, 'memoryMiB'], 'value', `at most ${hostMemoryMiB} MiB of guest memory (all this host has)`, renderValue(memory))];
}

/** Pinned vCPUs beyond the host's CPUs, a pin list of another length than vcpus, pinned CPUs the host lacks. */
function pinIssues(guest: Record<string, unknown>, index: number, hostCpus: number, context: IssueContext): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const pin = guest['pin'];
  if (!Array.isArray(pin)) return issues;
  const vcpus = guest['vcpus'];
  if (typeof vcpus === 'number' && Number.isInteger(vcpus) && vcpus > hostCpus) {
    issues.push(
      issueAt(
        context,
        ['guests', index, 'vcpus'],
        'value',
        `at most ${hostCpus} pinned ${hostCpus === 1 ? 'vCPU' : 'vCPUs'}, one per host CPU (this host has ${hostCpus}; leave out pin to time-share them)`,
        renderValue(vcpus),
      ),
    );
  }
  if (typeof vcpus === 'number' && Number.isInteger(vcpus) && vcpus >= 1 && pin.length !== vcpus) {
    const vcpusSource = context.source.has(['guests', index, 'vcpus']) ? '' : ', the default';
    issues.push(
      issueAt(
        context,
        ['guests', index, 'pin'],
        'value',
        `${vcpus} host CPU ${vcpus === 1 ? 'number' : 'numbers'}, one per vCPU (vcpus is ${vcpus}${vcpusSource})`,
        `${renderValue(pin)} (${pin.length} ${pin.length === 1 ? 'entry' : 'entries'})`,
      ),
    );
  }
  pin.forEach((cpu: unknown, k) => {
    if (typeof cpu === 'number' && Number.isInteger(cpu) && cpu >= hostCpus) {
      issues.push(
        issueAt(
          context,
          ['guests', index, 'pin', k],
          'value',
          `a host CPU number from 0 to ${hostCpus - 1} (this host has ${hostCpus} ${hostCpus === 1 ? 'CPU' : 'CPUs'})`,
          renderValue(cpu),
        ),
      );
    }
  });
  return issues;
}

/**
 * Image paths that exist but are the wrong kind of thing (a directory given as a disk image, a
 * file as a build directory): a mistake in the config, reported before anything boots. Relative
 * paths are taken from `dir`, the config file's directory. Which keys are paths, and of what, is the
 * schema's (`x-path`, from the guest adapters). Missing paths are not config errors: the guest is
 * skipped at run time with advice (configs/all.yaml relies on that for the seL4 and MINIX images a
 * fresh machine does not have).
 */
export async function imagePathIssues(data: unknown, context: IssueContext, dir: string, schema: Record<string, unknown>): Promise<ConfigIssue[]> {
  const issues: ConfigIssue[] = [];
  const guests = isRecord(data) ? data['guests'] : undefined;
  if (!Array.isArray(guests)) return issues;
  for (const [index, guest] of guests.entries()) {
    if (!isRecord(guest) || typeof guest['os'] !== 'string' || !isRecord(guest['image'])) continue;
    const kinds = imagePathKinds(schema, guest);
    for (const [key, kind] of Object.entries(kinds)) {
      const value = guest['image'][key];
      if (typeof value !== 'string' || value === '') continue;
      const stats = await stat(path.resolve(dir, value)).catch(() => undefined);
      if (stats === undefined) continue;
      // A raw disk image may be a block device.
      const ok = kind === 'directory' ? stats.isDirectory() : stats.isFile() || (key === 'disk' && stats.isBlockDevice());
      if (ok) continue;
      const got = stats.isDirectory() ? 'a directory' : stats.isFile() ? 'a file' : 'a special file';
      issues.push(
        issueAt(
          context,
          ['guests', index, 'image', key],
          'value',
          `a path to a ${kind}, or to nothing yet (the guest is then skipped)`,
          `${renderValue(value)}, ${got}`,
        ),
      );
    }
  }
  return issues;
}

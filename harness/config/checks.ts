import type { ConfigIssue } from './errors.js';
import { isRecord, issueAt, type IssueContext } from './issues.js';
import { formatPath, renderValue } from './source.js';

/**
 * Checks JSON Schema cannot express: unique guest names, one pinned CPU per vCPU, pinned CPUs that
 * exist on this host, a report baseline that names a guest. Runs on the data as validated (defaults filled in), even when the schema found
 * problems, so skips anything not shaped as expected (the schema reports that).
 */
export function semanticIssues(data: unknown, context: IssueContext, hostCpus: number): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const guests = isRecord(data) ? data['guests'] : undefined;
  if (!Array.isArray(guests)) return issues;

  const firstWithName = new Map<string, number>();
  guests.forEach((guest: unknown, index) => {
    if (!isRecord(guest)) return;

    const name = guest['name'];
    if (typeof name === 'string') {
      const first = firstWithName.get(name);
      if (first === undefined) {
        firstWithName.set(name, index);
      } else {
        issues.push(
          issueAt(
            context,
            ['guests', index, 'name'],
            'value',
            `a name no other guest has (${formatPath(['guests', first, 'name'])} is already ${JSON.stringify(name)})`,
            renderValue(name),
          ),
        );
      }
    }

    const pin = guest['pin'];
    if (!Array.isArray(pin)) return;
    const vcpus = guest['vcpus'];
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
  });

  const report = isRecord(data) ? data['report'] : undefined;
  const baseline = isRecord(report) ? report['baseline'] : undefined;
  if (typeof baseline === 'string' && !firstWithName.has(baseline)) {
    const names = [...firstWithName.keys()];
    issues.push(issueAt(context, ['report', 'baseline'], 'value', `the name of a guest of this config (${names.join(', ') || 'none named'})`, renderValue(baseline)));
  }
  return issues;
}

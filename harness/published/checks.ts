import path from 'node:path';

import type { ConfigIssue } from '../config/errors.js';
import { isRecord, issueAt, type IssueContext } from '../config/issues.js';
import { formatPath, renderValue } from '../config/source.js';

const KEY = /^[a-z0-9][a-z0-9-]*$/;

/**
 * Checks of a reference file that JSON Schema cannot express: the id is the file name, each figure
 * names hardware the file describes, figure names are unique, intervals are ordered, dates exist.
 * Runs even when the schema found problems, so skips whatever is not shaped as expected.
 */
export function referenceIssues(data: unknown, context: IssueContext): ConfigIssue[] {
  if (!isRecord(data)) return [];
  const issues: ConfigIssue[] = [];

  const stem = path.basename(context.file).replace(/\.ya?ml$/, '');
  if (typeof data['id'] === 'string' && data['id'] !== stem) {
    issues.push(issueAt(context, ['id'], 'value', `the file name without .yaml (${JSON.stringify(stem)})`, renderValue(data['id'])));
  }

  for (const key of ['figuresDate', 'retrieved']) {
    const value = data[key];
    if (typeof value === 'string' && /^\d{4}(-\d{2}(-\d{2})?)?$/.test(value) && !isCalendarDate(value)) {
      issues.push(issueAt(context, [key], 'value', 'a date that exists (month 01-12, a day the month has)', renderValue(value)));
    }
  }

  const hardware = isRecord(data['hardware']) ? data['hardware'] : {};
  for (const key of Object.keys(hardware)) {
    if (!KEY.test(key)) issues.push(issueAt(context, ['hardware', key], 'key', 'a key of lower-case letters, digits and dashes', `key '${key}'`));
  }

  const figures = Array.isArray(data['figures']) ? data['figures'] : [];
  const firstWithName = new Map<string, number>();
  figures.forEach((figure: unknown, index) => {
    if (!isRecord(figure)) return;
    const name = figure['name'];
    if (typeof name === 'string') {
      const first = firstWithName.get(name);
      if (first === undefined) firstWithName.set(name, index);
      else
        issues.push(
          issueAt(
            context,
            ['figures', index, 'name'],
            'value',
            `a name no other figure has (${formatPath(['figures', first, 'name'])} is already ${JSON.stringify(name)})`,
            renderValue(name),
          ),
        );
    }
    const machine = figure['hardware'];
    if (typeof machine === 'string' && !Object.hasOwn(hardware, machine)) {
      const keys = Object.keys(hardware);
      issues.push(issueAt(context, ['figures', index, 'hardware'], 'value', `a key of hardware (${keys.join(', ') || 'none given'})`, renderValue(machine)));
    }
    const spread = figure['spread'];
    if (isRecord(spread)) {
      for (const kind of ['iqr', 'range']) {
        const interval = spread[kind];
        if (Array.isArray(interval) && typeof interval[0] === 'number' && typeof interval[1] === 'number' && interval[0] > interval[1]) {
          issues.push(issueAt(context, ['figures', index, 'spread', kind], 'value', '[low, high] with low <= high', renderValue(interval)));
        }
      }
    }
  });
  return issues;
}

function isCalendarDate(text: string): boolean {
  const [year, month, day] = text.split('-').map(Number);
  if (month === undefined) return true;
  if (month < 1 || month > 12) return false;
  if (day === undefined) return true;
  // Day 0 of the next month is the last day of this one.
  const daysInMonth = new Date(Date.UTC(year!, month, 0)).getUTCDate();
  return day >= 1 && day <= daysInMonth;
}

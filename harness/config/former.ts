import type { ConfigIssue } from './errors.js';
import { isRecord, issueAt, type IssueContext } from './issues.js';
import { renderValue } from './source.js';

/** What an earlier spelling of `os` named, in today's keys. */
export interface FormerOs {
  os: string;
  reach?: string;
  variant?: string;
}

/**
 * Values of `os` from before `reach` and `variant` said how a guest is reached and which image it
 * boots. Configs (and the config copies of old run directories) that use them keep working: they
 * are read as the guest they named. Run directories of that time record them as the guest's `os`.
 * Frozen: a new kind of guest gets `reach` or `variant`, never a new `os` spelling here.
 */
export type FormerOsName = 'linux-disk' | 'ssh';

export const FORMER_OS: Readonly<Record<FormerOsName, FormerOs>> = {
  'linux-disk': { os: 'linux', variant: 'disk' },
  ssh: { os: 'linux', reach: 'ssh' },
};

/** Today's spelling of an `os` as recorded or written; an `os` that is no former spelling is returned as it is. */
export function currentOs(os: string): FormerOs {
  return isFormerOs(os) ? FORMER_OS[os] : { os };
}

export function isFormerOs(os: string): os is FormerOsName {
  return Object.hasOwn(FORMER_OS, os);
}

/**
 * Rewrites earlier spellings of `os` in a config's guests to today's, in place, before the schema
 * sees them. A guest whose `reach` or `variant` contradicts its former `os` is an issue naming the
 * new spelling.
 */
export function rewriteFormerOs(data: unknown, context: IssueContext): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const guests = isRecord(data) ? data['guests'] : undefined;
  if (!Array.isArray(guests)) return issues;
  guests.forEach((guest: unknown, index) => {
    if (!isRecord(guest) || typeof guest['os'] !== 'string' || !isFormerOs(guest['os'])) return;
    const former = guest['os'];
    const current = FORMER_OS[former];
    const spelled = `os: ${current.os}${current.reach ? `, reach: ${current.reach}` : ''}${current.variant ? `, variant: ${current.variant}` : ''}`;
    for (const key of ['reach', 'variant'] as const) {
      const wanted = current[key];
      if (wanted === undefined || guest[key] === undefined || guest[key] === wanted) continue;
      issues.push(
        issueAt(
          context,
          ['guests', index, 'os'],
          'value',
          `${spelled} (os: ${former} is its earlier spelling) without another ${key}`,
          `os: ${former} with ${key}: ${renderValue(guest[key])}`,
        ),
      );
      return;
    }
    guest['os'] = current.os;
    if (current.reach !== undefined) guest['reach'] = current.reach;
    if (current.variant !== undefined) guest['variant'] = current.variant;
  });
  return issues;
}

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One apt source in one-line form, as mmdebstrap takes it as a mirror argument: "deb URI SUITE COMPONENT...". */
export type SourceLine = string;

/** Debian's own mirrors, used when this host's apt names none for the suite. */
export function defaultSources(suite: string): SourceLine[] {
  return [
    `deb http://deb.debian.org/debian ${suite} main`,
    `deb http://deb.debian.org/debian ${suite}-updates main`,
    `deb http://deb.debian.org/debian-security ${suite}-security main`,
  ];
}

const ofSuite = (suite: string, name: string) => name === suite || name.startsWith(`${suite}-`) || name.startsWith(`${suite}/`);
/** Only sources signed with Debian's archive key (or with none named, which means apt's default Debian keyring). */
const debianSigned = (signedBy: string | undefined) => signedBy === undefined || signedBy.includes('debian-archive-keyring');

/** The suite's entries of a one-line sources.list text. */
export function parseOneLine(text: string, suite: string): SourceLine[] {
  const out: SourceLine[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    const match = /^deb\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)\s+(.+)$/.exec(line);
    if (!match) continue;
    const [, options, uri, name, components] = match;
    const signedBy = /signed-by=(\S+)/.exec(options ?? '')?.[1];
    if (!ofSuite(suite, name!) || !debianSigned(signedBy)) continue;
    out.push(`deb ${uri} ${name} ${components!.trim().split(/\s+/).join(' ')}`);
  }
  return out;
}

/** The suite's entries of a deb822 .sources text. */
export function parseDeb822(text: string, suite: string): SourceLine[] {
  const out: SourceLine[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    let last: string | undefined;
    for (const line of stanza.split('\n')) {
      if (line.startsWith('#')) continue;
      if (/^\s/.test(line) && last) {
        fields.set(last, `${fields.get(last)} ${line.trim()}`);
        continue;
      }
      const match = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
      if (!match) continue;
      last = match[1]!.toLowerCase();
      fields.set(last, match[2]!.trim());
    }
    const words = (key: string) => (fields.get(key) ?? '').split(/\s+/).filter(Boolean);
    if (!words('types').includes('deb') || /^(no|false)$/i.test(fields.get('enabled') ?? '')) continue;
    if (!debianSigned(fields.get('signed-by'))) continue;
    const components = words('components');
    for (const uri of words('uris')) {
      for (const name of words('suites')) {
        if (ofSuite(suite, name) && components.length > 0) out.push(`deb ${uri} ${name} ${components.join(' ')}`);
      }
    }
  }
  return out;
}

/**
 * This host's Debian sources for the suite (the mirrors its apt, which resolved the kernel version,
 * uses), so the image gets packages from the same place; Debian's own mirrors when it has none.
 * Sources signed with other keys (third-party repositories) are left out.
 */
export async function hostSources(suite: string, etc = '/etc/apt'): Promise<SourceLine[]> {
  const found: SourceLine[] = [];
  const list = await readFile(join(etc, 'sources.list'), 'utf8').catch(() => '');
  found.push(...parseOneLine(list, suite));
  const names = (await readdir(join(etc, 'sources.list.d')).catch(() => [] as string[])).sort();
  for (const name of names) {
    const text = await readFile(join(etc, 'sources.list.d', name), 'utf8').catch(() => '');
    if (name.endsWith('.list')) found.push(...parseOneLine(text, suite));
    else if (name.endsWith('.sources')) found.push(...parseDeb822(text, suite));
  }
  const unique = [...new Set(found)];
  return unique.length > 0 ? unique : defaultSources(suite);
}

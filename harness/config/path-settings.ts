import { constants } from 'node:fs';
import { access, realpath, stat, statfs } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';

import type { ConfigIssue } from './errors.js';
import { isRecord, issueAt, type IssueContext } from './issues.js';
import { renderValue } from './source.js';

/**
 * A path setting made absolute: `~` and `~/…` are the home directory (as a shell reads them), any
 * other relative path is taken from `dir`, the config file's directory. `~user/…` is not expanded
 * (pathSettingIssues refuses it).
 */
export function resolveConfigPath(value: string, dir: string): string {
  if (value === '~') return homedir();
  if (value.startsWith('~/')) return path.join(homedir(), value.slice(2));
  return path.resolve(dir, value);
}

/** The directory settings checked when a config loads, and whether each may be a system directory. */
const DIRECTORY_SETTINGS = [
  { key: 'resultsDir', systemAllowed: false },
  { key: 'cacheDir', systemAllowed: true },
] as const;

/** Folders whose contents are the kernel's or devices, never files: a mkdir there fails or never returns. */
const PSEUDO_ROOTS = ['/proc', '/sys', '/dev'];

/**
 * statfs f_type of kernel pseudo file systems (linux/magic.h): proc, sysfs, devpts, cgroup,
 * cgroup2, debugfs, tracefs, securityfs, pstore, bpf, configfs, efivarfs, binfmt_misc, mqueue.
 */
const PSEUDO_FS_TYPES = new Map<number, string>([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x1cd1, 'devpts'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0x6165676c, 'pstore'],
  [0xcafe4a11, 'bpf'],
  [0x62656570, 'configfs'],
  [0xde5e81e4, 'efivarfs'],
  [0x42494e4d, 'binfmt_misc'],
  [0x19800202, 'mqueue'],
]);

/**
 * System directories a run's results must not be written into: the operating system's own files.
 * Folders where users keep checkouts and workspaces (/opt/…, /srv/…, /var/lib/jenkins/…, /home/…)
 * are allowed below, only the folder itself refused; /var/tmp and /tmp are allowed.
 */
const SYSTEM_TREES = ['/etc', '/usr', '/bin', '/sbin', '/boot', '/lib', '/lib32', '/lib64', '/libx32', '/run', '/snap', '/var/log', '/var/cache', '/var/spool'];
const SYSTEM_FOLDERS = ['/', '/var', '/var/lib', '/opt', '/srv', '/home', '/root', '/mnt', '/media'];

/** True when `p` is `root` or inside it. */
function within(p: string, root: string): boolean {
  return p === root || p.startsWith(`${root}/`);
}

/** Whether `p` is a system directory or inside one; `itself` false looks only at the trees (for an ancestor of the setting). */
function isSystemDirectory(p: string, itself = true): boolean {
  const trimmed = p.length > 1 ? p.replace(/\/+$/, '') : p;
  return (itself && SYSTEM_FOLDERS.includes(trimmed)) || SYSTEM_TREES.some((root) => within(trimmed, root));
}

/** The closest of `p` and its ancestors that exists, with what it is, and the real path of it (symlinks followed). */
async function nearestExisting(p: string): Promise<{ path: string; real: string; isDirectory: boolean }> {
  let current = p;
  for (;;) {
    const stats = await stat(current).catch(() => undefined);
    if (stats !== undefined) {
      const real = await realpath(current).catch(() => current);
      return { path: current, real, isDirectory: stats.isDirectory() };
    }
    const parent = path.dirname(current);
    if (parent === current) return { path: current, real: current, isDirectory: true };
    current = parent;
  }
}

/** The pseudo file system `p` (which exists) is on, by its statfs type; undefined for an ordinary one. */
async function pseudoFileSystem(p: string): Promise<string | undefined> {
  const stats = await statfs(p).catch(() => undefined);
  return stats === undefined ? undefined : PSEUDO_FS_TYPES.get(Number(stats.type));
}

/** How a directory's writability is tested: `access(2)` by default; tests give one that fails as a read-only file system would. */
export type AccessProbe = (p: string, mode: number) => Promise<void>;

/** Why a directory cannot be created or written at the existing `p`, or undefined when it can. */
async function notWritable(p: string, probe: AccessProbe): Promise<string | undefined> {
  try {
    await probe(p, constants.W_OK | constants.X_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EROFS') return `${p} is on a read-only file system`;
    return `${p} is not writable by this user (${code ?? String(error)})`;
  }
}

/** What is wrong with one directory setting's value, as the `got` of an issue, or undefined. */
async function directoryProblem(value: string, dir: string, systemAllowed: boolean, probe: AccessProbe): Promise<string | undefined> {
  const shown = renderValue(value);
  if (value.includes('\0')) return `${shown}, which contains a NUL byte`;
  if (value.startsWith('~') && value !== '~' && !value.startsWith('~/')) return `${shown} (only ~ and ~/ are expanded, to the home directory)`;
  const absolute = resolveConfigPath(value, dir);
  const existing = await nearestExisting(absolute);
  const pseudoRoot = PSEUDO_ROOTS.find((root) => within(absolute, root) || within(existing.real, root));
  const pseudo = pseudoRoot === undefined ? await pseudoFileSystem(existing.path) : pseudoRoot;
  if (pseudo !== undefined) return `${shown}, on the ${pseudo} pseudo file system (${absolute})`;
  if (!systemAllowed && (isSystemDirectory(absolute) || isSystemDirectory(existing.real, existing.path === absolute)))
    return `${shown}, a system directory (${absolute})`;
  if (!existing.isDirectory) {
    return existing.path === absolute ? `${shown}, an existing file that is not a directory` : `${shown}, under ${existing.path}, which is not a directory`;
  }
  const writable = await notWritable(existing.path, probe);
  return writable === undefined ? undefined : `${shown}: ${writable}`;
}

/**
 * Problems with the directory settings (`resultsDir`, `cacheDir`), found before anything is
 * created: a NUL byte, `~user`, a place on a pseudo file system (/proc, /sys, /dev, by path and by
 * the file system type of the closest existing ancestor; a recursive mkdir under /proc never
 * returns), a file where the directory should be, a closest existing ancestor that cannot be
 * written (read-only file system, permissions), and for `resultsDir` the root or a system
 * directory (/etc, /usr, /var/log, …; /opt, /var, /home themselves but not folders below them). Defaults are checked too: `data` is the config
 * as validated, defaults filled in.
 */
export async function pathSettingIssues(data: unknown, context: IssueContext, dir: string, probe: AccessProbe = access): Promise<ConfigIssue[]> {
  const issues: ConfigIssue[] = [];
  if (!isRecord(data)) return issues;
  for (const { key, systemAllowed } of DIRECTORY_SETTINGS) {
    const value = data[key];
    if (typeof value !== 'string' || value === '') continue;
    const problem = await directoryProblem(value, dir, systemAllowed, probe);
    if (problem === undefined) continue;
    const expected = systemAllowed
      ? 'a directory that exists or can be created and written, not on /proc, /sys or /dev'
      : 'a directory that exists or can be created and written, not on /proc, /sys or /dev, nor / or a system directory (/etc, /usr, /var/log, /opt itself, …)';
    issues.push(issueAt(context, [key], 'value', expected, problem));
  }
  return issues;
}

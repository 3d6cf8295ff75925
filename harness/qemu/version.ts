import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';
import { execa } from 'execa';
import { HostToolError } from '../errors/host-tool-error.js';

/**
 * The oldest QEMU the harness runs with: 7.2, Debian 12's, the version every mode was tested
 * under (icount's `sleep=off`, the QMP commands, the serial and fw_cfg options it passes), and
 * the one the determinism of tcg-icount figures was established on.
 */
export const MIN_QEMU_VERSION: readonly [number, number] = [7, 2];

/** QEMU is missing or too old: the run is refused before anything boots. */
export class QemuUnavailableError extends HostToolError {
  constructor(binary: string, message: string, options?: { cause?: unknown }) {
    super(binary, message, options);
    this.name = 'QemuUnavailableError';
  }
}

/** Where a command name resolves on PATH, as a shell would find it; undefined when nowhere. */
export async function findOnPath(command: string, path = process.env.PATH ?? ''): Promise<string | undefined> {
  if (isAbsolute(command) || command.includes('/')) return command;
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** "7.2.22" from `QEMU emulator version 7.2.22 (Debian ...)`; undefined when the text has no version. */
export function parseQemuVersion(text: string): { version: string; major: number; minor: number } | undefined {
  const match = /QEMU emulator version (\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (!match) return undefined;
  return {
    version: match[3] === undefined ? `${match[1]}.${match[2]}` : `${match[1]}.${match[2]}.${match[3]}`,
    major: Number(match[1]),
    minor: Number(match[2]),
  };
}

/**
 * Checks that `binary` is on PATH, runs, and is QEMU MIN_QEMU_VERSION or later. Returns the first
 * line of its `--version` (for the manifest); throws QemuUnavailableError naming what was expected
 * and what was found.
 */
export async function checkQemu(binary: string, searchPath = process.env.PATH ?? ''): Promise<string> {
  const min = MIN_QEMU_VERSION.join('.');
  const path = await findOnPath(binary, searchPath);
  if (!path) {
    throw new QemuUnavailableError(
      binary,
      `expected ${binary} (QEMU ${min} or later) on PATH, got none: install QEMU (Debian: apt-get install qemu-system-x86) or put it on PATH (PATH=${searchPath})`,
    );
  }
  const result = await execa(path, ['--version'], { reject: false, timeout: 30_000 });
  const firstLine = String(result.stdout ?? '')
    .split('\n')[0]!
    .trim();
  if (result.exitCode !== 0) {
    throw new QemuUnavailableError(binary, `expected ${path} --version to print a QEMU version, got ${result.shortMessage ?? `exit code ${result.exitCode}`}`, {
      cause: result,
    });
  }
  const parsed = parseQemuVersion(String(result.stdout ?? ''));
  if (!parsed) throw new QemuUnavailableError(binary, `expected ${path} --version to print "QEMU emulator version X.Y", got "${firstLine}"`);
  const [major, minor] = MIN_QEMU_VERSION;
  if (parsed.major < major || (parsed.major === major && parsed.minor < minor)) {
    throw new QemuUnavailableError(
      binary,
      `expected QEMU ${min} or later, got ${parsed.version} (${path} --version: "${firstLine}"); install QEMU ${min} or later (Debian 12 has 7.2)`,
    );
  }
  return firstLine;
}

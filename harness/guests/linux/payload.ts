import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { cachedDirectory } from '../../cache/atomic.js';
import { guestsDir, projectRoot } from '../../paths.js';

export interface BuiltPayload {
  path: string;
  compiler: string;
  cflags: string;
  sha256: string;
}

const linuxDir = join(guestsDir, 'linux');

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)).sort();
}

/** Non-empty, non-comment lines of a guests/linux settings file. */
async function settingLines(name: string): Promise<string[]> {
  const text = await readFile(join(linuxDir, name), 'utf8');
  return text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
}

/** Compiles the statically linked Linux payload, cached by the hash of its sources, flags and compiler. */
export async function buildLinuxPayload(cacheDir: string, compiler = 'gcc'): Promise<BuiltPayload> {
  const sources = (await settingLines('SOURCES')).map((s) => join('guests', s));
  const cflags = (await settingLines('CFLAGS')).join(' ').split(/\s+/);
  const { stdout: version } = await execa(compiler, ['--version']);
  const compilerId = version.split('\n')[0]!;
  const hash = createHash('sha256').update(compilerId).update(cflags.join(' '));
  for (const file of [...(await listFiles(join(guestsDir, 'common'))), ...(await listFiles(linuxDir))]) {
    hash.update(relative(projectRoot, file)).update(await readFile(file));
  }
  const key = `payload-${hash.digest('hex').slice(0, 16)}`;
  const dir = await cachedDirectory(join(cacheDir, 'linux'), key, async (work) => {
    const output = join(work, 'hb-payload');
    try {
      await execa(compiler, [...cflags, `-DHB_CFLAGS="${cflags.join(' ')}"`, '-o', output, ...sources], { cwd: projectRoot });
    } catch (error) {
      throw new Error(`building the Linux payload with ${compiler} failed`, { cause: error });
    }
  });
  const path = join(dir, 'hb-payload');
  const sha256 = createHash('sha256').update(await readFile(path)).digest('hex');
  return { path, compiler: compilerId, cflags: cflags.join(' '), sha256 };
}

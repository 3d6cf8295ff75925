import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { cachedDirectory } from '../cache/atomic.js';
import { HostToolError } from '../errors/host-tool-error.js';
import { sha256File, sha256Hex, type HashInput } from '../hash.js';
import { guestsDir, projectRoot } from '../paths.js';

export interface BuiltPayload {
  path: string;
  compiler: string;
  cflags: string;
  sha256: string;
}

export interface PayloadBuild {
  /** guests/<os>/ holds SOURCES (paths relative to guests/) and CFLAGS, one or more per line. */
  os: string;
  cacheDir: string;
  /** Flags that depend on the machine, not the checkout (e.g. include paths into a kernel build). */
  extraFlags?: string[];
  /** Files outside the checkout whose contents change the binary (e.g. generated headers). */
  extraInputs?: string[];
  compiler?: string;
}

export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)).sort();
}

/** Non-empty, non-comment lines of a guests/<os>/ settings file. */
export async function settingLines(os: string, name: string): Promise<string[]> {
  const text = await readFile(join(guestsDir, os, name), 'utf8');
  return text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
}

/** The error for a compiler that could not be run at all (`error` is execa's): nothing can be built without it. */
export function compilerUnavailable(compiler: string, purpose: string, error: unknown): HostToolError {
  const got = (error as { code?: string }).code === 'ENOENT' ? 'none' : (error as Error).message;
  return new HostToolError(compiler, `expected ${compiler} on PATH to build ${purpose}, got ${got}: install gcc (Debian: apt-get install gcc) or put it on PATH`, { cause: error });
}

/** The first line of `compiler --version`, which identifies it in cache keys and manifests. */
async function compilerVersion(compiler: string, purpose: string): Promise<string> {
  try {
    return (await execa(compiler, ['--version'])).stdout.split('\n')[0]!;
  } catch (error) {
    throw compilerUnavailable(compiler, purpose, error);
  }
}

/**
 * Compiles a guest payload with the host's gcc, cached by the hash of everything that goes into
 * it: every file of the guests/ folders its sources come from, flags, compiler version and any
 * outside inputs.
 */
export async function buildPayload(build: PayloadBuild): Promise<BuiltPayload> {
  const compiler = build.compiler ?? 'gcc';
  const lines = await settingLines(build.os, 'SOURCES');
  const sources = lines.map((s) => join('guests', s));
  // Every folder the sources come from (headers beside them included), e.g. common/ and bare/.
  const folders = [...new Set(['common', build.os, ...lines.map((s) => s.split('/')[0]!)])];
  const cflags = [...(await settingLines(build.os, 'CFLAGS')).join(' ').split(/\s+/), ...(build.extraFlags ?? [])];
  const compilerId = await compilerVersion(compiler, `the ${build.os} payload`);
  const inputs: HashInput[] = [compilerId, cflags.join(' ')];
  for (const file of (await Promise.all(folders.map((folder) => listFiles(join(guestsDir, folder))))).flat()) {
    inputs.push(relative(projectRoot, file), await readFile(file));
  }
  for (const file of build.extraInputs ?? []) inputs.push(file, await readFile(file));
  const name = `hb-${build.os}-payload`;
  const key = `${name}-${sha256Hex(inputs).slice(0, 16)}`;
  const dir = await cachedDirectory(join(build.cacheDir, build.os), key, async (work) => {
    try {
      await execa(compiler, [...cflags, `-DHB_CFLAGS="${cflags.join(' ')}"`, '-o', join(work, name), ...sources], { cwd: projectRoot });
    } catch (error) {
      // The compiler's own errors in the message, which the console and report.md show; its whole output stays in the cause.
      const errors = String((error as { stderr?: unknown }).stderr ?? '')
        .split('\n')
        .filter((line) => /\berror\b/i.test(line))
        .slice(0, 5);
      throw new Error(`building the ${build.os} payload with ${compiler} failed${errors.length > 0 ? `: ${errors.join(' | ')}` : ''}`, { cause: error });
    }
  });
  const path = join(dir, name);
  const sha256 = await sha256File(path);
  return { path, compiler: compilerId, cflags: cflags.join(' '), sha256 };
}

import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { cachedDirectory } from '../../cache/atomic.js';
import { HostToolError } from '../../errors/host-tool-error.js';
import { sha256Hex } from '../../hash.js';
import { runLoggedStep, sourceRevision } from '../source-build.js';

export interface MinixImageBuildOptions {
  /** The user's MINIX checkout (build.sh, releasetools/ and minix/ at its top). */
  source: string;
  cacheDir: string;
  log: (message: string) => void;
}

export interface MinixImage {
  /** The cache entry: minix.img, boot/ (kernel and modules), harness-build.txt. */
  dir: string;
  disk: string;
  bootDir: string;
}

/**
 * The sets the image holds: the base system and the compiler set, which the payload is built with
 * inside the guest (games, manual pages and tests are left out: a smaller image, written faster).
 */
export const MINIX_IMAGE_SETS = 'minix-base minix-comp';

/**
 * Host settings a current Debian needs for MINIX 3.4's build, which dates from gcc 5: gcc 10 and later
 * default to -fno-common, and MINIX's host tools define their globals in headers.
 */
export const MINIX_HOST_CFLAGS = '-O -fcommon';

/**
 * Source changes the same compilers need (newer libstdc++ headers no longer include <string> for
 * gold, and turn LLVM 3.6's implicit Optional-to-bool return into an error). Each is applied to the
 * user's checkout only where its old text is still there, and said in the log.
 */
export const MINIX_HOST_FIXES: readonly { file: string; from: string; to: string; why: string }[] = [
  {
    file: 'external/gpl3/binutils/dist/gold/errors.h',
    from: '#include "gold-threads.h"',
    to: '#include <string>\n#include "gold-threads.h"',
    why: 'gold uses std::string without including <string>, which libstdc++ 11 and later no longer include for it',
  },
  {
    file: 'external/bsd/llvm/dist/llvm/include/llvm/IR/ValueMap.h',
    from: 'bool hasMD() const { return MDMap; }',
    to: 'bool hasMD() const { return bool(MDMap); }',
    why: "LLVM 3.6 returns an Optional as bool implicitly, which g++ 11 and later refuse (its operator bool is explicit)",
  },
];

const REQUIRED_FILES = ['build.sh', join('releasetools', 'x86_hdimage.sh'), join('sys', 'conf', 'osrelease.sh'), join('minix', 'kernel')];

async function checkCheckout(source: string): Promise<void> {
  for (const file of REQUIRED_FILES) {
    if (!existsSync(join(source, file))) throw new Error(`expected a MINIX 3 checkout at ${source} (with ${file}), got a directory without it`);
  }
}

/** The host compilers build.sh builds its tools with, and what MINIX's fetch scripts use when a distfile is absent. */
async function checkHostTools(): Promise<void> {
  for (const [tool, args] of [
    ['cc', ['--version']],
    ['c++', ['--version']],
    ['patch', ['--version']],
    ['bzip2', ['--help']],
    ['curl', ['--version']],
  ] as const) {
    const found = await execa(tool, [...args], { reject: false });
    if (found.failed && found.exitCode === undefined) {
      throw new HostToolError(tool, `expected ${tool} on PATH to build MINIX from source, got none: apt-get install build-essential curl bzip2 patch zlib1g-dev`);
    }
  }
}

export async function applyHostFixes(source: string, log: (message: string) => void): Promise<void> {
  for (const fix of MINIX_HOST_FIXES) {
    const path = join(source, fix.file);
    if (!existsSync(path)) continue; // fetched by the build (binutils), or another layout: the build will say
    const text = await readFile(path, 'utf8');
    if (!text.includes(fix.from) || text.includes(fix.to)) continue;
    await writeFile(path, text.replace(fix.from, fix.to));
    log(`minix: changed ${fix.file} in the checkout: ${fix.why}`);
  }
}

/** The kernel and boot modules the build left in the destination directory, copied for image.bootDir. */
async function copyBootFiles(obj: string, into: string): Promise<string> {
  const from = join(obj, 'destdir.i386', 'boot', 'minix', '.temp');
  const files = (await readdir(from)).filter((name) => name === 'kernel' || /^mod\d\d_/.test(name));
  if (!files.includes('kernel')) throw new Error(`expected MINIX's kernel in ${from} after the build, got ${files.join(', ') || 'nothing'}`);
  const bootDir = join(into, 'boot');
  await mkdir(bootDir);
  for (const name of files) await copyFile(join(from, name), join(bootDir, name));
  return bootDir;
}

async function timed(log: (message: string) => void, what: string, run: () => Promise<void>): Promise<void> {
  const start = Date.now();
  log(`minix: ${what}`);
  await run();
  log(`minix: ${what}: done in ${((Date.now() - start) / 60_000).toFixed(1)} min`);
}

/**
 * Builds MINIX 3 (i386) from the user's checkout with MINIX's own build.sh and x86_hdimage.sh, into
 * the cache: the tools, the release, and a disk image with the base and compiler sets. The object
 * directory is kept per checkout revision, so a stopped build resumes where it was (build.sh -u).
 * Takes hours on two cores (LLVM/clang is built twice: for the host and for MINIX).
 */
export async function buildMinixImage(options: MinixImageBuildOptions): Promise<MinixImage> {
  const source = await realpath(options.source).catch((error: unknown) => {
    throw new Error(`expected a MINIX 3 checkout at ${options.source}, found nothing there`, { cause: error });
  });
  await checkCheckout(source);
  await checkHostTools();
  await applyHostFixes(source, options.log);
  const revision = await sourceRevision(source, join('sys', 'conf', 'osrelease.sh'));
  const key = sha256Hex([source, revision, MINIX_IMAGE_SETS, MINIX_HOST_CFLAGS]).slice(0, 16);
  const root = join(options.cacheDir, 'minix');
  const obj = join(root, `obj-${key}`);
  await mkdir(obj, { recursive: true });
  const jobs = String(availableParallelism());
  const env = { ...process.env, HOST_CFLAGS: MINIX_HOST_CFLAGS };
  const log = join(obj, 'harness-build.log');
  options.log(`minix: building from ${source} (${revision}); objects in ${obj}, output in ${log}`);
  const dir = await cachedDirectory(root, `image-${key}`, async (work) => {
    await timed(options.log, `build.sh tools (-j${jobs})`, () =>
      runLoggedStep({ what: "build.sh to build MINIX's tools", file: 'sh', args: ['build.sh', '-j', jobs, '-m', 'i386', '-O', obj, '-U', '-u', 'tools'], cwd: source, env, logFile: log }),
    );
    const imageEnv = { ...env, OBJ: obj, JOBS: jobs, SETS: MINIX_IMAGE_SETS, IMG: join(work, 'minix.img') };
    await timed(options.log, 'releasetools/x86_hdimage.sh (the release build, then the disk image)', () =>
      runLoggedStep({ what: 'x86_hdimage.sh to build the MINIX release and disk image', file: 'bash', args: ['releasetools/x86_hdimage.sh'], cwd: source, env: imageEnv, logFile: log }),
    );
    await copyBootFiles(obj, work);
    await writeFile(join(work, 'harness-build.txt'), `source ${source}\nrevision ${revision}\nsets ${MINIX_IMAGE_SETS}\nHOST_CFLAGS ${MINIX_HOST_CFLAGS}\n`);
  });
  return { dir, disk: join(dir, 'minix.img'), bootDir: join(dir, 'boot') };
}

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { GuestConfig } from '../../config/types.js';
import { anatomyFlags, type PrepareContext } from '../adapter.js';
import { buildPayload, listFiles, settingLines, type BuiltPayload } from '../payload-build.js';
import { GEN_CONFIG, type Sel4Build } from './build-dir.js';

export const SEL4_BUILD_DIR_ENV = 'SEL4_BUILD_DIR';

/** The configured build directory, else the environment's; relative environment paths are taken from the working directory. */
export function sel4BuildDir(guest: GuestConfig, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const fromEnv = env[SEL4_BUILD_DIR_ENV];
  return guest.image.buildDir ?? (fromEnv ? resolve(fromEnv) : undefined);
}

/** guests/sel4/INCLUDES lines with ${BUILD}, ${KERNEL} and ${SOURCE} filled in. */
export function expandIncludes(lines: readonly string[], build: Pick<Sel4Build, 'buildDir' | 'kernelDir' | 'sourceDir'>): string[] {
  return lines.map((line) => line.replaceAll('${BUILD}', build.buildDir).replaceAll('${KERNEL}', build.kernelDir).replaceAll('${SOURCE}', build.sourceDir));
}

/** The root task (the payload) for a kernel build and this context, built once per content. */
export async function buildRootTask(build: Sel4Build, context: Pick<PrepareContext, 'cacheDir' | 'anatomy'>): Promise<BuiltPayload> {
  const includes = expandIncludes(await settingLines('sel4', 'INCLUDES'), build);
  // Invocation numbers are generated per kernel configuration, so the root task is built for this build.
  const generated = (await Promise.all(includes.filter((dir) => (dir.startsWith(build.buildDir) || dir.startsWith(build.kernelDir)) && existsSync(dir)).map(listFiles))).flat();
  return buildPayload({
    os: 'sel4',
    cacheDir: context.cacheDir,
    extraFlags: [...includes.map((dir) => `-I${dir}`), ...anatomyFlags(context)],
    extraInputs: [join(build.kernelDir, GEN_CONFIG), ...generated],
  });
}

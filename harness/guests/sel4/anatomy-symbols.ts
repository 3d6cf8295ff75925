import { relative } from 'node:path';
import type { GuestConfig } from '../../config/types.js';
import type { AnatomySymbols, PrepareContext } from '../adapter.js';
import { elfSymbols } from '../symbols.js';
import { inspectSel4Build } from './build-dir.js';
import { buildRootTask, sel4BuildDir } from './root-task.js';

/**
 * seL4's symbols for the anatomy: the user's kernel.elf (a seL4 build keeps its symbols; the kernel
 * runs at its link addresses) and the root task's (static, not PIE), from the build prepare used.
 */
export async function sel4AnatomySymbols(guest: GuestConfig, context: PrepareContext): Promise<AnatomySymbols[]> {
  const buildDir = sel4BuildDir(guest);
  const kernel = { space: 'kernel' as const, prefix: '' };
  const user = { space: 'user' as const, prefix: 'payload:' };
  if (!buildDir) return [{ ...kernel, description: 'seL4 kernel.elf', missing: 'no seL4 build directory' }];
  const build = await inspectSel4Build(buildDir, { kernel: guest.image.kernel, sourceDir: guest.image.sourceDir });
  const rootTask = await buildRootTask(build, context);
  return [
    await elfSymbols(build.kernelElf, { ...kernel, description: `${build.kernelElf} (seL4 ${build.version})` }),
    await elfSymbols(rootTask.path, { ...user, description: `root task ${relative(context.cacheDir, rootTask.path)} (sha256 ${rootTask.sha256.slice(0, 12)})` }),
  ];
}

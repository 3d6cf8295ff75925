import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { cachedDirectory } from '../cache/atomic.js';
import { compilerUnavailable } from '../guests/payload-build.js';
import { sha256File, sha256Hex } from '../hash.js';
import { projectRoot } from '../paths.js';

/** The plugin's C source, relative to the checkout. */
export const PLUGIN_SOURCE = join('harness', 'anatomy', 'plugin', 'anatomy.c');

/** How the plugin is compiled: a shared object QEMU dlopens, exporting only qemu_plugin_install and qemu_plugin_version. */
export const PLUGIN_CFLAGS = ['-O2', '-std=gnu11', '-Wall', '-Wextra', '-Werror', '-shared', '-fPIC', '-fvisibility=hidden'];

export interface BuiltPlugin {
  path: string;
  compiler: string;
  sha256: string;
}

/**
 * Compiles the cost-anatomy TCG plugin (harness/anatomy/plugin/anatomy.c) with the host's gcc into
 * `<cacheDir>/anatomy/`, cached by the hash of its source, flags and compiler version as payloads
 * are (guests/payload-build.ts).
 */
export async function buildAnatomyPlugin(cacheDir: string, compiler = 'gcc'): Promise<BuiltPlugin> {
  let compilerId: string;
  try {
    compilerId = (await execa(compiler, ['--version'])).stdout.split('\n')[0]!;
  } catch (error) {
    throw compilerUnavailable(compiler, 'the anatomy plugin', error);
  }
  const source = join(projectRoot, PLUGIN_SOURCE);
  const key = `hb-anatomy-plugin-${sha256Hex([compilerId, PLUGIN_CFLAGS.join(' '), await readFile(source)]).slice(0, 16)}`;
  const dir = await cachedDirectory(join(cacheDir, 'anatomy'), key, async (work) => {
    try {
      await execa(compiler, [...PLUGIN_CFLAGS, '-o', join(work, 'anatomy.so'), source], { cwd: projectRoot });
    } catch (error) {
      throw new Error(`building the anatomy plugin with ${compiler} failed`, { cause: error });
    }
  });
  const path = join(dir, 'anatomy.so');
  return { path, compiler: compilerId, sha256: await sha256File(path) };
}

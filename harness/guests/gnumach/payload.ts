import { execa } from 'execa';
import { anatomyFlags, type PrepareContext } from '../adapter.js';
import { buildPayload, compilerUnavailable, type BuiltPayload } from '../payload-build.js';

/**
 * Flags for a build that sees no C library header: gcc's own include directory only, which has
 * the freestanding headers (stddef.h, stdint.h, stdarg.h) for -m32 with or without gcc-multilib.
 */
export async function freestandingIncludeFlags(compiler = 'gcc'): Promise<string[]> {
  let stdout: string;
  try {
    ({ stdout } = await execa(compiler, ['-print-file-name=include']));
  } catch (error) {
    throw compilerUnavailable(compiler, 'the gnumach payload', error);
  }
  return ['-nostdinc', '-isystem', stdout.trim()];
}

/** The GNU Mach payload (the boot script's task) for this context, built once per content (harness/guests/payload-build.ts). */
export async function buildGnuMachPayload(context: Pick<PrepareContext, 'cacheDir' | 'anatomy'>): Promise<BuiltPayload> {
  return buildPayload({ os: 'gnumach', cacheDir: context.cacheDir, extraFlags: [...(await freestandingIncludeFlags()), ...anatomyFlags(context)] });
}

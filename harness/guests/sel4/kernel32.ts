import { join } from 'node:path';
import { execa } from 'execa';
import { cachedDirectory } from '../../cache/atomic.js';
import { sha256File } from '../../hash.js';

/** QEMU's multiboot loader takes only 32-bit ELF kernels; seL4's x86_64 kernel.elf is ELF64. */
export async function elf32Kernel(kernelElf: string, cacheDir: string): Promise<{ path: string; sha256: string }> {
  const sha256 = await sha256File(kernelElf);
  const dir = await cachedDirectory(join(cacheDir, 'sel4'), `kernel32-${sha256.slice(0, 16)}`, async (work) => {
    try {
      await execa('objcopy', ['-O', 'elf32-i386', kernelElf, join(work, 'kernel32.elf')]);
    } catch (error) {
      throw new Error(`converting ${kernelElf} to elf32 with objcopy failed`, { cause: error });
    }
  });
  return { path: join(dir, 'kernel32.elf'), sha256 };
}

import { existsSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { loadConfig } from '../../config/index.js';
import { UsageError } from '../../errors/usage-error.js';
import { adapterFor } from '../../guests/registry.js';
import { effectiveVcpus } from '../../qemu/accel.js';
import type { Accel } from '../../units.js';

export function registerBuild(program: Command): void {
  program
    .command('build')
    .description('build (or find in the cache) the image of each guest of a config whose OS is given')
    .argument('<os>', 'guest OS to build, e.g. linux')
    .option('--config <file>', 'config whose guests and cache directory to use (default configs/<os>.yaml when it exists, else configs/linux.yaml)')
    .addOption(new Option('--accel <accel>', 'accelerator the image is for').choices(['kvm', 'tcg', 'tcg-icount']).default('tcg-icount'))
    .action(async (os: string, opts: { config?: string; accel: Accel }) => {
      const config = await loadConfig(opts.config ?? (existsSync(`configs/${os}.yaml`) ? `configs/${os}.yaml` : 'configs/linux.yaml'));
      const guests = config.guests.filter((g) => g.os === os);
      if (guests.length === 0) {
        throw new UsageError(`expected a guest with os ${os} in ${config.file}, got ${config.guests.map((g) => g.os).join(', ')}`);
      }
      for (const guest of guests) {
        const prepared = await adapterFor(guest.os).prepare(guest, {
          cacheDir: config.cacheDir,
          accel: opts.accel,
          vcpus: effectiveVcpus(opts.accel, guest.vcpus).vcpus,
          timeouts: config.timeouts,
          log: (message) => process.stderr.write(`[${guest.name}] ${message}\n`),
        });
        process.stdout.write(`${guest.name}: kernel ${prepared.boot.kernel ?? '(boots from disk)'}\n${guest.name}: initrd ${prepared.boot.initrd ?? '(none)'}\n`);
      }
    });
}

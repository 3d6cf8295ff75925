import { existsSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { loadConfig } from '../../config/index.js';
import { UsageError } from '../../errors/usage-error.js';
import { adapterById, adapterFor, describeAdapter } from '../../guests/registry.js';
import { effectiveVcpus } from '../../qemu/accel.js';
import type { Accel } from '../../units.js';

export function registerBuild(program: Command): void {
  program
    .command('build')
    .description('build (or find in the cache) the image of each guest of a config of the given kind')
    .argument('<guest>', 'kind of guest to build: an adapter (linux, linux-disk, sel4, minix, gnumach) or an OS (every guest of it)')
    .option('--config <file>', 'config whose guests and cache directory to use (default configs/<guest>.yaml when it exists, else configs/linux.yaml)')
    .addOption(new Option('--accel <accel>', 'accelerator the image is for').choices(['kvm', 'tcg', 'tcg-icount']).default('tcg-icount'))
    .action(async (kind: string, opts: { config?: string; accel: Accel }) => {
      const config = await loadConfig(opts.config ?? (existsSync(`configs/${kind}.yaml`) ? `configs/${kind}.yaml` : 'configs/linux.yaml'));
      const byId = adapterById(kind);
      const guests = config.guests.filter((g) => (byId ? adapterFor(g) === byId : g.os === kind));
      if (guests.length === 0) {
        const got = config.guests.map(
          (g) => `${g.name} (${[`os ${g.os}`, ...(g.reach === 'ssh' ? ['reach ssh'] : []), ...(g.variant ? [`variant ${g.variant}`] : [])].join(', ')})`,
        );
        throw new UsageError(`expected a guest with ${byId ? describeAdapter(byId) : `os ${kind}`} in ${config.file}, got ${got.join(', ')}`);
      }
      for (const guest of guests) {
        const prepared = await adapterFor(guest).prepare(guest, {
          cacheDir: config.cacheDir,
          accel: opts.accel,
          vcpus: effectiveVcpus(opts.accel, guest.vcpus, adapterFor(guest).icountSmp).vcpus,
          timeouts: config.timeouts,
          log: (message) => process.stderr.write(`[${guest.name}] ${message}\n`),
        });
        // A guest QEMU runs in a directory of its own (boot.cwd) names its files relative to it.
        const where = prepared.boot.cwd ? ` (in ${prepared.boot.cwd})` : '';
        process.stdout.write(
          `${guest.name}: kernel ${prepared.boot.kernel ?? '(boots from disk)'}${where}\n${guest.name}: initrd ${prepared.boot.initrd ?? '(none)'}\n`,
        );
      }
    });
}

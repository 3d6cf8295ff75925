import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { loadConfig } from '../../config/index.js';
import { UsageError } from '../../errors/usage-error.js';
import { ADAPTERS, adapterById, adapterFor, describeAdapter } from '../../guests/registry.js';
import { effectiveVcpus } from '../../qemu/accel.js';
import type { Accel } from '../../units.js';

interface BuildOptions {
  config?: string;
  accel: Accel;
  source?: string;
  debug?: boolean;
  smp?: boolean;
}

/** `--source`: the adapter builds its kernel from the user's checkout; the directory is the one line on stdout. */
async function buildFromSource(kind: string, source: string, opts: Pick<BuildOptions, 'debug' | 'smp'> & { cacheDir: string }): Promise<void> {
  const adapter = adapterById(kind);
  if (!adapter?.buildFromSource) {
    const able = ADAPTERS.filter((a) => a.buildFromSource).map((a) => a.id);
    throw new UsageError(`expected --source with a guest the harness builds from a checkout (${able.join(', ')}), got ${kind}`);
  }
  const built = await adapter.buildFromSource(resolve(source), {
    cacheDir: opts.cacheDir,
    debug: opts.debug === true,
    smp: opts.smp === true,
    log: (message) => process.stderr.write(`[${kind}] ${message}\n`),
  });
  process.stderr.write(`[${kind}] built; to use it: ${built.use}\n`);
  process.stdout.write(`${built.dir}\n`);
}

export function registerBuild(program: Command): void {
  program
    .command('build')
    .description('build (or find in the cache) the image of each guest of a config of the given kind')
    .argument('<guest>', 'kind of guest to build: an adapter (linux, linux-disk, sel4, minix, gnumach) or an OS (every guest of it)')
    .option('--config <file>', 'config whose guests and cache directory to use (default configs/<guest>.yaml when it exists, else configs/linux.yaml)')
    .addOption(new Option('--accel <accel>', 'accelerator the image is for').choices(['kvm', 'tcg', 'tcg-icount']).default('tcg-icount'))
    .option(
      '--source <dir>',
      'build the guest from your own checkout of its OS into the cache and print the directory to use (sel4: a kernel, minutes; minix: a disk image and its boot files, hours)',
    )
    .option('--debug', 'with --source: a debug kernel (it prints on its console; its figures include debug checks)')
    .option('--smp', 'with --source: a kernel for 2 CPUs (the cross-CPU figures)')
    .action(async (kind: string, opts: BuildOptions) => {
      const config = await loadConfig(opts.config ?? (existsSync(`configs/${kind}.yaml`) ? `configs/${kind}.yaml` : 'configs/linux.yaml'));
      const byId = adapterById(kind);
      if (opts.source !== undefined) return buildFromSource(kind, opts.source, { ...opts, cacheDir: config.cacheDir });
      if (opts.debug || opts.smp) throw new UsageError(`expected --debug and --smp only with --source, got them without`);
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

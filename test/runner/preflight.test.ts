import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect } from 'chai';

import { ConfigError, loadConfig, type RunOverrides } from '../../harness/config/index.js';
import { UsageError } from '../../harness/errors/usage-error.js';
import { gnumachAdapter } from '../../harness/guests/gnumach/adapter.js';
import { linuxAdapter } from '../../harness/guests/linux/adapter.js';
import { linuxDiskAdapter } from '../../harness/guests/linux-disk/adapter.js';
import { checkGuestsAgainstAdapters } from '../../harness/runner/preflight.js';
import { runBenchmarks } from '../../harness/runner/run.js';

/**
 * The runner's pre-flight checks of a config against its guests' adapters (include patterns that
 * select nothing, too little memory): refused with the config's file, line and column before a run
 * directory exists or a guest boots. Unit tier: nothing boots.
 */
describe('pre-flight checks of a config against the guest adapters', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hb-preflight-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const header = () => `resultsDir: ${join(dir, 'results')}\ncacheDir: ${join(dir, 'cache')}\naccel: tcg-icount\nguests:\n`;

  async function load(guests: string, overrides?: RunOverrides) {
    const file = join(dir, 'config.yaml');
    await writeFile(file, `${header()}${guests}`);
    return { file, config: await loadConfig(file, { hostCpus: 8, hostMemoryMiB: 65536, ...(overrides ? { overrides } : {}) }) };
  }

  /** The ConfigError the check throws, as its lines. */
  function refusal(run: () => void): string[] {
    try {
      run();
    } catch (error) {
      expect(error).to.be.instanceOf(ConfigError);
      return (error as ConfigError).message.split('\n');
    }
    throw new Error('expected the config to be refused, but it was accepted');
  }

  it('refuses include: ["nomatch.*"], naming file:line:col of the pattern, the guest and the metric names it could have matched', async () => {
    const { file, config } = await load('  - name: linux\n    os: linux\n    benchmarks:\n      include:\n        - syscall.*\n        - nomatch.*\n');
    const lines = refusal(() => checkGuestsAgainstAdapters(config));
    expect(lines).to.deep.equal([
      `${file}:10:11: guests[0].benchmarks.include[1]: expected a metric name or glob that matches a benchmark of guest linux (linux (initramfs): ${linuxAdapter.benchmarks.join(', ')}), got "nomatch.*"`,
    ]);
  });

  it("refuses a metric of another OS (GNU Mach's in a Linux guest), and accepts the guest's own", async () => {
    const { config } = await load(
      '  - name: linux\n    os: linux\n    benchmarks: { include: [syscall.null.invalidtrap] }\n  - name: gnumach\n    os: gnumach\n    benchmarks: { include: [syscall.null.invalidtrap] }\n',
    );
    const lines = refusal(() => checkGuestsAgainstAdapters(config));
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(/:7:29: guests\[0\]\.benchmarks\.include\[0\]: expected .* guest linux .*, got "syscall\.null\.invalidtrap"$/);
  });

  it('points at the pattern in the file when --guest keeps a later guest only', async () => {
    const { file, config } = await load('  - name: first\n    os: linux\n  - name: second\n    os: gnumach\n    benchmarks: { include: ["ipc.*.cross"] }\n', {
      guest: ['second'],
    });
    expect(refusal(() => checkGuestsAgainstAdapters(config, { guest: ['second'] }))).to.deep.equal([
      `${file}:9:29: guests[1].benchmarks.include[0]: expected a metric name or glob that matches a benchmark of guest second (gnumach: ${gnumachAdapter.benchmarks.join(', ')}), got "ipc.*.cross"`,
    ]);
  });

  it('refuses memoryMiB below the adapter\'s least, as "at least N MiB for <os>", got the value', async () => {
    const least = linuxAdapter.minMemoryMiB!;
    const { file, config } = await load(
      `  - name: linux\n    os: linux\n    memoryMiB: 64\n  - name: disk\n    os: linux\n    variant: disk\n    memoryMiB: 256\n`,
    );
    expect(refusal(() => checkGuestsAgainstAdapters(config))).to.deep.equal([
      `${file}:7:16: guests[0].memoryMiB: expected at least ${least} MiB for linux (initramfs), got 64`,
      `${file}:11:16: guests[1].memoryMiB: expected at least ${linuxDiskAdapter.minMemoryMiB} MiB for linux (disk), got 256`,
    ]);
  });

  it("accepts each adapter's least memory itself, and the default", async () => {
    const { config } = await load(`  - name: linux\n    os: linux\n    memoryMiB: ${linuxAdapter.minMemoryMiB}\n  - name: gnumach\n    os: gnumach\n`);
    expect(() => checkGuestsAgainstAdapters(config)).not.to.throw();
  });

  it('refuses a --bench pattern that matches no guest run, naming the option and every guest with its metric names', async () => {
    const overrides = { bench: ['syscall.null', 'nomatch.*'] };
    const { config } = await load('  - name: linux\n    os: linux\n  - name: gnumach\n    os: gnumach\n', overrides);
    expect(() => checkGuestsAgainstAdapters(config, overrides)).to.throw(
      UsageError,
      /^expected --bench to be metric names or globs that match a benchmark of a guest run \(guest linux \(linux \(initramfs\): syscall\.null, .*\); guest gnumach \(gnumach: syscall\.null, .*\)\), got 'nomatch\.\*', which matches none$/,
    );
  });

  it("refuses a --bench that selects none of one guest's benchmarks, and accepts one pattern per OS", async () => {
    const linuxOnly = { bench: ['ipc.roundtrip.pipe.*'] };
    const { config } = await load('  - name: linux\n    os: linux\n  - name: gnumach\n    os: gnumach\n', linuxOnly);
    expect(() => checkGuestsAgainstAdapters(config, linuxOnly)).to.throw(
      UsageError,
      /^expected --bench 'ipc\.roundtrip\.pipe\.\*' to select at least one benchmark of every guest run \(--guest leaves guests out\), got none of guest gnumach \(gnumach: .*\)$/,
    );
    const perOs = { bench: ['syscall.null.enosys', 'syscall.null.invalidtrap'] };
    const both = await load('  - name: linux\n    os: linux\n  - name: gnumach\n    os: gnumach\n', perOs);
    expect(() => checkGuestsAgainstAdapters(both.config, perOs)).not.to.throw();
  });

  it('refuses in runBenchmarks before the executor is asked or a run directory is made', async () => {
    const { config } = await load('  - name: linux\n    os: linux\n    benchmarks: { include: ["nomatch.*"] }\n');
    let thrown: unknown;
    await runBenchmarks(config, { emit: () => undefined, executor: 'slurm' }).catch((error: unknown) => {
      thrown = error;
    });
    // The Slurm executor's own preflight (no sbatch here) would have failed otherwise.
    expect(thrown).to.be.instanceOf(ConfigError);
    expect(await readdir(dir)).to.deep.equal(['config.yaml']);
  });
});

import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';

import { expect } from 'chai';
import { execa } from 'execa';

import { ConfigError, loadConfig, type ConfigIssue, type LoadOptions } from '../../harness/config/index.js';
import { MAX_YAML_BYTES } from '../../harness/config/yaml-file.js';

let dir: string;
let counter = 0;

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'harness-config-'));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes `text` to a fresh file in the temp dir (optionally in a subdirectory) and returns its path. */
async function writeConfig(text: string, subdir = ''): Promise<string> {
  const target = path.join(dir, subdir);
  await mkdir(target, { recursive: true });
  const file = path.join(target, `config-${++counter}.yaml`);
  await writeFile(file, text);
  return file;
}

async function loadError(file: string, options?: LoadOptions): Promise<ConfigError> {
  try {
    await loadConfig(file, options);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return error as ConfigError;
  }
  expect.fail(`${file} loaded, but a ConfigError was expected`);
}

/** 1-based line of the only line containing `#<` (the marker the cases below put on the expected line). */
function markedLine(text: string): number {
  const lines = text.split('\n');
  const hits = lines.flatMap((line, index) => (line.includes('#<') ? [index + 1] : []));
  if (hits.length !== 1) throw new Error(`case needs exactly one #< marker, has ${hits.length}`);
  return hits[0]!;
}

describe('loadConfig', () => {
  describe('a valid config', () => {
    it('fills in defaults and makes paths absolute against the file', async () => {
      const text = [
        'guests:',
        '  - name: linux',
        '    os: linux',
        '  - name: sel4',
        '    os: sel4',
        '    image:',
        '      buildDir: ../sel4-build',
        '  - name: minix',
        '    os: minix',
        '    vcpus: 1',
        '    pin: [0]',
        '    image: { disk: /abs/minix.img }',
        '',
      ].join('\n');
      const file = await writeConfig(text, 'configs');
      const config = await loadConfig(path.relative(process.cwd(), file));

      expect(config.file).to.equal(file);
      expect(path.isAbsolute(config.file)).to.equal(true);
      expect(config.text).to.equal(text);
      expect(config.sha256).to.equal(createHash('sha256').update(text).digest('hex'));
      expect(config.sha256).to.match(/^[0-9a-f]{64}$/);

      expect(config.accel).to.equal('auto');
      expect(config.resultsDir).to.equal(path.join(dir, 'results'));
      expect(config.cacheDir).to.equal(path.join(dir, '.cache'));
      expect(config.timeouts).to.deep.equal({ bootSeconds: 300, benchmarkSeconds: 300, shutdownSeconds: 30 });
      expect(config.bootstrap).to.deep.equal({ resamples: 2000, seed: 1 });
      expect(config.methodology).to.deep.equal({
        overheadTolerance: { relative: 0.25, absolute: 2 },
        unstableOverhead: 'flag',
        outliers: 'mad',
        settling: 'mser5',
      });

      expect(config.guests).to.deep.equal([
        {
          name: 'linux',
          os: 'linux',
          reach: 'qemu',
          vcpus: 2,
          memoryMiB: 512,
          pin: undefined,
          benchmarks: { boots: 1, iterations: 10000, warmup: 1000, include: ['*'] },
          peers: [],
          image: { kernelPackage: 'linux-image-cloud-amd64', mitigations: 'default' },
        },
        {
          name: 'sel4',
          os: 'sel4',
          reach: 'qemu',
          vcpus: 2,
          memoryMiB: 512,
          pin: undefined,
          benchmarks: { boots: 1, iterations: 10000, warmup: 1000, include: ['*'] },
          peers: [],
          // The image does not exist: that is for the runner to report (guest skipped), not a config error.
          image: { buildDir: path.join(dir, 'sel4-build') },
        },
        {
          name: 'minix',
          os: 'minix',
          reach: 'qemu',
          vcpus: 1,
          memoryMiB: 512,
          pin: [0],
          benchmarks: { boots: 1, iterations: 10000, warmup: 1000, include: ['*'] },
          peers: [],
          image: { disk: '/abs/minix.img' },
        },
      ]);
    });

    it('keeps every value that is given', async () => {
      const file = await writeConfig(
        [
          'accel: tcg-icount',
          'resultsDir: /var/tmp/results',
          'cacheDir: cache',
          'timeouts: { bootSeconds: 60, benchmarkSeconds: 120, shutdownSeconds: 5 }',
          'bootstrap: { resamples: 500, seed: 42 }',
          'guests:',
          '  - name: sel4-smp',
          '    os: sel4',
          '    vcpus: 4',
          '    memoryMiB: 1024',
          '    pin: [3, 2, 1, 0]',
          '    benchmarks: { boots: 3, iterations: 5, warmup: 0, include: [ipc.roundtrip.*, syscall.null] }',
          '    image: { buildDir: b, kernel: k.elf, sourceDir: sub/src, cpuModel: "qemu64,+rdtscp" }',
        ].join('\n'),
      );
      const config = await loadConfig(file, { hostCpus: 4 });
      expect(config.accel).to.equal('tcg-icount');
      expect(config.resultsDir).to.equal('/var/tmp/results');
      expect(config.cacheDir).to.equal(path.join(dir, 'cache'));
      expect(config.timeouts).to.deep.equal({ bootSeconds: 60, benchmarkSeconds: 120, shutdownSeconds: 5 });
      expect(config.bootstrap).to.deep.equal({ resamples: 500, seed: 42 });
      expect(config.guests[0]).to.deep.equal({
        name: 'sel4-smp',
        os: 'sel4',
        reach: 'qemu',
        vcpus: 4,
        memoryMiB: 1024,
        pin: [3, 2, 1, 0],
        benchmarks: { boots: 3, iterations: 5, warmup: 0, include: ['ipc.roundtrip.*', 'syscall.null'] },
        peers: [],
        image: { buildDir: path.join(dir, 'b'), kernel: path.join(dir, 'k.elf'), sourceDir: path.join(dir, 'sub', 'src'), cpuModel: 'qemu64,+rdtscp' },
      });
    });

    it('keeps peers for a linux guest', async () => {
      const config = await loadConfig(await writeConfig('guests:\n  - { name: l, os: linux, peers: [perf] }\n'));
      expect(config.guests[0]!.peers).to.deep.equal(['perf']);
    });

    it("checks pins against this host's CPU count when hostCpus is not given", async () => {
      const cpus = availableParallelism();
      const ok = await writeConfig(`guests:\n  - { name: a, os: linux, vcpus: 1, pin: [${cpus - 1}] }\n`);
      expect((await loadConfig(ok)).guests[0]!.pin).to.deep.equal([cpus - 1]);
      const bad = await writeConfig(`guests:\n  - { name: a, os: linux, vcpus: 1, pin: [${cpus}] }\n`);
      const error = await loadError(bad);
      expect(error.issues[0]!.path).to.equal('guests[0].pin[0]');
    });
  });

  describe('a malformed config', () => {
    interface Case {
      name: string;
      /** YAML text; the line the issue should point at carries a `#<` comment unless `line` is given. */
      yaml: string;
      options?: LoadOptions;
      path: string;
      line?: number;
      column?: number;
      expected: RegExp;
      got: string | RegExp;
    }

    const cases: Case[] = [
      {
        name: 'a string where an integer belongs',
        yaml: 'guests:\n  - name: a\n    os: linux\n    vcpus: two #<\n',
        path: 'guests[0].vcpus',
        column: 12,
        expected: /^an integer from 1 to 64$/,
        got: '"two"',
      },
      {
        name: 'a fractional vCPU count',
        yaml: 'guests:\n  - name: a\n    os: linux\n    vcpus: 1.5 #<\n',
        path: 'guests[0].vcpus',
        expected: /^an integer from 1 to 64$/,
        got: '1.5',
      },
      {
        name: 'a string where the guest list belongs',
        yaml: 'accel: kvm\nguests: linux #<\n',
        path: 'guests',
        expected: /^a list of 1 to 16 mappings$/,
        got: '"linux"',
      },
      {
        name: 'a number where a mapping belongs',
        yaml: 'timeouts: 5 #<\nguests: [{ name: a, os: linux }]\n',
        path: 'timeouts',
        expected: /^a mapping$/,
        got: '5',
      },
      {
        name: 'a list as the whole document',
        yaml: '- name: a #<\n  os: linux\n',
        path: '(root)',
        expected: /^a mapping with key 'guests'$/,
        got: '[{"name":"a","os":"linux"}]',
      },
      {
        name: 'an empty document',
        yaml: '# nothing here\n',
        line: 1,
        path: '(root)',
        expected: /'guests'/,
        got: 'an empty document',
      },
      {
        name: 'an unknown top-level key',
        yaml: 'accel: kvm\nverbose: true #<\nguests: [{ name: a, os: linux }]\n',
        path: 'verbose',
        column: 1,
        expected: /^no key 'verbose' \(allowed: accel, cpuModel, resultsDir, cacheDir, timeouts, bootstrap, report, executor, methodology, guests\)$/,
        got: "key 'verbose'",
      },
      {
        name: 'a report baseline that is no guest',
        yaml: 'report:\n  baseline: sel4 #<\nguests: [{ name: linux, os: linux }]\n',
        path: 'report.baseline',
        expected: /^the name of a guest of this config \(linux\)$/,
        got: '"sel4"',
      },
      {
        name: 'a misspelt top-level key',
        yaml: 'guest: #<\n  - name: a\n    os: linux\n',
        path: 'guest',
        expected: /did you mean 'guests'\?/,
        got: "key 'guest'",
      },
      {
        name: 'an unknown guest key',
        yaml: 'guests:\n  - name: a\n    os: linux\n    memory: 512 #<\n',
        path: 'guests[0].memory',
        column: 5,
        expected: /^no key 'memory' \(allowed: name, os, reach, variant, vcpus, memoryMiB, pin, benchmarks, anatomy, peers, image, deploy, target\)$/,
        got: "key 'memory'",
      },
      {
        name: 'a misspelt guest key',
        yaml: 'guests:\n  - name: a\n    os: linux\n    vcpu: 2 #<\n',
        path: 'guests[0].vcpu',
        expected: /did you mean 'vcpus'\?/,
        got: "key 'vcpu'",
      },
      {
        name: 'an image key another OS uses (sel4 given a disk)',
        yaml: 'guests:\n  - name: s\n    os: sel4\n    image:\n      kernel: k.elf\n      disk: m.img #<\n',
        path: 'guests[0].image.disk',
        column: 7,
        expected: /^no key 'disk' \(allowed for os sel4: buildDir, kernel, sourceDir, cpuModel\)$/,
        got: "key 'disk'",
      },
      {
        name: 'peers for a guest that is not linux',
        yaml: 'guests:\n  - name: s\n    os: sel4\n    peers: [perf] #<\n',
        path: 'guests[0].peers',
        expected: /^no peers \(the peer cross-check, peers: \[perf\], runs only in Linux guests\)$/,
        got: '1 entries',
      },
      {
        name: 'peers for a minix guest',
        yaml: 'guests:\n  - name: m\n    os: minix\n    image: { disk: m.img }\n    peers: [perf] #<\n',
        path: 'guests[0].peers',
        expected: /runs only in Linux guests/,
        got: '1 entries',
      },
      {
        name: 'an unknown peer',
        yaml: 'guests:\n  - name: l\n    os: linux\n    peers: [lmbench] #<\n',
        path: 'guests[0].peers[0]',
        expected: /^one of perf$/,
        got: '"lmbench"',
      },
      {
        name: 'a peer given twice',
        yaml: 'guests:\n  - name: l\n    os: linux\n    peers:\n      - perf\n      - perf #<\n',
        path: 'guests[0].peers[1]',
        expected: /distinct/,
        got: '"perf"',
      },
      {
        name: 'an unknown image key for linux',
        yaml: 'guests:\n  - name: l\n    os: linux\n    image: { kernelPackage: linux-image-amd64, kernel: vmlinuz } #<\n',
        path: 'guests[0].image.kernel',
        expected: /^no key 'kernel' \(allowed for os linux: kernelPackage, mitigations, cpuModel\)$/,
        got: "key 'kernel'",
      },
      {
        name: 'no guests key',
        yaml: 'accel: kvm #<\nresultsDir: out\n',
        path: 'guests',
        column: 1,
        expected: /^a list of 1 to 16 mappings \(required\)$/,
        got: 'nothing',
      },
      {
        name: 'an empty guest list',
        yaml: 'guests: [] #<\n',
        path: 'guests',
        expected: /^a list of 1 to 16 mappings$/,
        got: '[]',
      },
      {
        name: 'a guest without a name (points at the guest)',
        yaml: 'guests:\n  - name: a\n    os: linux\n  - os: linux #<\n    vcpus: 1\n',
        path: 'guests[1].name',
        column: 5,
        expected: /^a name of 1 to 32 characters.* \(required\)$/,
        got: 'nothing',
      },
      {
        name: 'a name with capitals',
        yaml: 'guests:\n  - name: Linux #<\n    os: linux\n',
        path: 'guests[0].name',
        expected: /lowercase letter/,
        got: '"Linux"',
      },
      {
        name: 'an unknown os',
        yaml: 'guests:\n  - name: a\n    os: plan9 #<\n',
        path: 'guests[0].os',
        column: 9,
        // Other OSes are added at the end of the list.
        expected: /^one of linux, sel4, minix\b/,
        got: '"plan9"',
      },
      {
        name: 'a bad accelerator',
        yaml: 'accel: hvf #<\nguests: [{ name: a, os: linux }]\n',
        path: 'accel',
        expected: /^one of kvm, tcg, tcg-icount, auto$/,
        got: '"hvf"',
      },
      {
        name: 'an unknown executor',
        yaml: 'executor:\n  kind: kubernetes #<\nguests: [{ name: a, os: linux }]\n',
        path: 'executor.kind',
        expected: /^one of local, slurm$/,
        got: '"kubernetes"',
      },
      {
        name: 'zero boots per job',
        yaml: 'executor:\n  split: { bootsPerJob: 0 } #<\nguests: [{ name: a, os: linux }]\n',
        path: 'executor.split.bootsPerJob',
        expected: /^an integer from 1 to 1000$/,
        got: '0',
      },
      {
        name: 'an sbatch argument that is not an option',
        yaml: 'executor:\n  slurm:\n    extraArgs: [--exclusive, rm -rf] #<\nguests: [{ name: a, os: linux }]\n',
        path: 'executor.slurm.extraArgs[1]',
        expected: /sbatch option/,
        got: '"rm -rf"',
      },
      {
        name: 'a partition name with a space',
        yaml: 'executor:\n  slurm: { partition: "bench x" } #<\nguests: [{ name: a, os: linux }]\n',
        path: 'executor.slurm.partition',
        expected: /Slurm name/,
        got: '"bench x"',
      },
      {
        name: 'negative iterations',
        yaml: 'guests:\n  - name: a\n    os: linux\n    benchmarks:\n      iterations: -10 #<\n',
        path: 'guests[0].benchmarks.iterations',
        column: 19,
        expected: /^an integer from 1 to 10000000$/,
        got: '-10',
      },
      {
        name: 'an empty include list',
        yaml: 'guests:\n  - name: a\n    os: linux\n    benchmarks: { include: [] } #<\n',
        path: 'guests[0].benchmarks.include',
        expected: /^a non-empty list of strings$/,
        got: '[]',
      },
      {
        name: 'an include pattern with capitals',
        yaml: 'guests:\n  - name: a\n    os: linux\n    benchmarks:\n      include:\n        - ipc.*\n        - IPC.* #<\n',
        path: 'guests[0].benchmarks.include[1]',
        expected: /metric name or glob/,
        got: '"IPC.*"',
      },
      {
        name: 'zero vCPUs',
        yaml: 'guests:\n  - name: a\n    os: linux\n    vcpus: 0 #<\n',
        path: 'guests[0].vcpus',
        expected: /^an integer from 1 to 64$/,
        got: '0',
      },
      {
        name: 'too little memory',
        yaml: 'guests:\n  - name: a\n    os: linux\n    memoryMiB: 32 #<\n',
        path: 'guests[0].memoryMiB',
        expected: /^an integer from 64 to 65536$/,
        got: '32',
      },
      {
        name: 'a pin list shorter than vcpus',
        yaml: 'guests:\n  - name: a\n    os: linux\n    vcpus: 2\n    pin: [0] #<\n',
        options: { hostCpus: 8 },
        path: 'guests[0].pin',
        column: 10,
        expected: /^2 host CPU numbers, one per vCPU \(vcpus is 2\)$/,
        got: '[0] (1 entry)',
      },
      {
        name: 'a pin list longer than the default vcpus',
        yaml: 'guests:\n  - name: a\n    os: linux\n    pin: [0, 1, 2] #<\n',
        options: { hostCpus: 8 },
        path: 'guests[0].pin',
        expected: /^2 host CPU numbers, one per vCPU \(vcpus is 2, the default\)$/,
        got: '[0,1,2] (3 entries)',
      },
      {
        name: 'a pinned CPU the host does not have',
        yaml: 'guests:\n  - name: a\n    os: linux\n    vcpus: 2\n    pin: [0, 5] #<\n',
        options: { hostCpus: 2 },
        path: 'guests[0].pin[1]',
        column: 14,
        expected: /^a host CPU number from 0 to 1 \(this host has 2 CPUs\)$/,
        got: '5',
      },
      {
        name: 'the same CPU pinned twice',
        yaml: 'guests:\n  - name: a\n    os: linux\n    pin:\n      - 1\n      - 1 #<\n',
        options: { hostCpus: 2 },
        path: 'guests[0].pin[1]',
        expected: /different from guests\[0\]\.pin\[0\]/,
        got: '1',
      },
      {
        name: 'a negative pinned CPU',
        yaml: 'guests:\n  - name: a\n    os: linux\n    vcpus: 1\n    pin: [-1] #<\n',
        path: 'guests[0].pin[0]',
        expected: /^an integer >= 0$/,
        got: '-1',
      },
      {
        name: 'two guests with one name',
        yaml: 'guests:\n  - name: twin\n    os: linux\n  - name: twin #<\n    os: sel4\n    image: { kernel: k }\n',
        path: 'guests[1].name',
        column: 11,
        expected: /^a name no other guest has \(guests\[0\]\.name is already "twin"\)$/,
        got: '"twin"',
      },
      {
        name: 'an absurd timeout',
        yaml: 'timeouts:\n  bootSeconds: 1000000000 #<\nguests: [{ name: a, os: linux }]\n',
        path: 'timeouts.bootSeconds',
        column: 16,
        expected: /^an integer from 1 to 86400$/,
        got: '1000000000',
      },
      {
        name: 'too few bootstrap resamples',
        yaml: 'bootstrap: { resamples: 50 } #<\nguests: [{ name: a, os: linux }]\n',
        path: 'bootstrap.resamples',
        expected: /^an integer from 100 to 100000$/,
        got: '50',
      },
      {
        name: 'zero boots',
        yaml: 'guests:\n  - name: a\n    os: linux\n    benchmarks:\n      boots: 0 #<\n',
        path: 'guests[0].benchmarks.boots',
        expected: /^an integer from 1 to 100$/,
        got: '0',
      },
      {
        name: 'a negative seed',
        yaml: 'bootstrap:\n  seed: -1 #<\nguests: [{ name: a, os: linux }]\n',
        path: 'bootstrap.seed',
        expected: /^an integer from 0 to 9007199254740991$/,
        got: '-1',
      },
      {
        name: 'a sel4 guest with an empty build directory',
        yaml: 'guests:\n  - name: s\n    os: sel4\n    image:\n      buildDir: "" #<\n',
        path: 'guests[0].image.buildDir',
        expected: /^a path to a seL4 kernel build directory/,
        got: '""',
      },
      {
        name: 'a minix guest with an empty image (points at the image)',
        yaml: 'guests:\n  - name: m\n    os: minix\n    image: {} #<\n',
        path: 'guests[0].image.disk',
        expected: /^a path to a MINIX 3 disk image \(required\)$/,
        got: 'nothing',
      },
      {
        name: 'an image path that is not a string',
        yaml: 'guests:\n  - name: m\n    os: minix\n    image: { disk: [a, b] } #<\n',
        path: 'guests[0].image.disk',
        expected: /MINIX 3 disk image/,
        got: '["a","b"]',
      },
      {
        name: 'a key with no value',
        yaml: 'guests:\n  - name: a\n    os: linux\n    memoryMiB: #<\n',
        path: 'guests[0].memoryMiB',
        column: 5,
        expected: /^an integer from 64 to 65536$/,
        got: 'null',
      },
      {
        name: 'a YAML syntax error (unclosed flow list)',
        yaml: 'guests:\n  - name: a\n    pin: [0, 1\n  - name: b #<\n',
        path: '(yaml)',
        column: 3,
        expected: /^valid YAML \(Flow sequence .*end with a \]\)$/,
        got: '"- name: b #<"',
      },
      {
        name: 'a key given twice',
        yaml: 'guests:\n  - name: a\n    os: linux\n    os: sel4 #<\n',
        path: '(yaml)',
        column: 5,
        expected: /^valid YAML \(Map keys must be unique\)$/,
        got: '"os: sel4 #<"',
      },
      // Issue 7 (docs/reliability.md, "Bad configs"): absurd values, wrong types, impossible pinning.
      {
        name: 'a timeout of zero',
        yaml: 'timeouts:\n  bootSeconds: 0 #<\nguests: [{ name: a, os: linux }]\n',
        path: 'timeouts.bootSeconds',
        expected: /^an integer from 1 to 86400$/,
        got: '0',
      },
      {
        name: 'a negative timeout',
        yaml: 'timeouts:\n  benchmarkSeconds: -5 #<\nguests: [{ name: a, os: linux }]\n',
        path: 'timeouts.benchmarkSeconds',
        expected: /^an integer from 1 to 86400$/,
        got: '-5',
      },
      {
        name: 'a fractional timeout',
        yaml: 'timeouts:\n  shutdownSeconds: 0.5 #<\nguests: [{ name: a, os: linux }]\n',
        path: 'timeouts.shutdownSeconds',
        expected: /^an integer from 1 to 86400$/,
        got: '0.5',
      },
      {
        name: 'a timeout written with a unit',
        yaml: 'timeouts:\n  bootSeconds: 5m #<\nguests: [{ name: a, os: linux }]\n',
        path: 'timeouts.bootSeconds',
        expected: /^an integer from 1 to 86400$/,
        got: '"5m"',
      },
      {
        name: 'an infinite timeout',
        yaml: 'timeouts:\n  bootSeconds: .inf #<\nguests: [{ name: a, os: linux }]\n',
        path: 'timeouts.bootSeconds',
        expected: /^an integer from 1 to 86400$/,
        got: 'Infinity',
      },
      {
        name: 'zero iterations',
        yaml: 'guests:\n  - name: a\n    os: linux\n    benchmarks:\n      iterations: 0 #<\n',
        path: 'guests[0].benchmarks.iterations',
        expected: /^an integer from 1 to 10000000$/,
        got: '0',
      },
      {
        name: 'a trillion iterations',
        yaml: 'guests:\n  - name: a\n    os: linux\n    benchmarks:\n      iterations: 1e12 #<\n',
        path: 'guests[0].benchmarks.iterations',
        expected: /^an integer from 1 to 10000000$/,
        got: '1000000000000',
      },
      {
        name: 'a negative warm-up',
        yaml: 'guests:\n  - name: a\n    os: linux\n    benchmarks:\n      warmup: -1 #<\n',
        path: 'guests[0].benchmarks.warmup',
        expected: /^an integer from 0 to 10000000$/,
        got: '-1',
      },
      {
        name: 'a thousand boots',
        yaml: 'guests:\n  - name: a\n    os: linux\n    benchmarks: { boots: 1000 } #<\n',
        path: 'guests[0].benchmarks.boots',
        expected: /^an integer from 1 to 100$/,
        got: '1000',
      },
      {
        name: 'vCPUs that are not a number (.nan)',
        yaml: 'guests:\n  - name: a\n    os: linux\n    vcpus: .nan #<\n',
        path: 'guests[0].vcpus',
        expected: /^an integer from 1 to 64$/,
        got: 'NaN',
      },
      {
        name: 'an absurd amount of memory',
        yaml: 'guests:\n  - name: a\n    os: linux\n    memoryMiB: 1000000000 #<\n',
        path: 'guests[0].memoryMiB',
        expected: /^an integer from 64 to 65536$/,
        got: '1000000000',
      },
      {
        name: 'more memory than this host has',
        yaml: 'guests:\n  - name: a\n    os: linux\n    memoryMiB: 4096 #<\n',
        options: { hostMemoryMiB: 2048 },
        path: 'guests[0].memoryMiB',
        expected: /^at most 2048 MiB of guest memory \(all this host has\)$/,
        got: '4096',
      },
      {
        name: 'more pinned vCPUs than host CPUs',
        yaml: 'guests:\n  - name: a\n    os: linux\n    vcpus: 4 #<\n    pin: [0, 1, 2, 3]\n',
        options: { hostCpus: 2 },
        path: 'guests[0].vcpus',
        expected: /^at most 2 pinned vCPUs, one per host CPU \(this host has 2; leave out pin to time-share them\)$/,
        got: '4',
      },
      {
        name: 'a pinned CPU a million beyond the host',
        yaml: 'guests:\n  - name: a\n    os: linux\n    vcpus: 1\n    pin: [1000000] #<\n',
        options: { hostCpus: 2 },
        path: 'guests[0].pin[0]',
        expected: /^a host CPU number from 0 to 1 \(this host has 2 CPUs\)$/,
        got: '1000000',
      },
      {
        name: 'a pinned CPU that is not a number',
        yaml: 'guests:\n  - name: a\n    os: linux\n    vcpus: 1\n    pin: [zero] #<\n',
        path: 'guests[0].pin[0]',
        expected: /^an integer >= 0$/,
        got: '"zero"',
      },
      {
        name: 'a pin that is not a list',
        yaml: 'guests:\n  - name: a\n    os: linux\n    vcpus: 1\n    pin: 0 #<\n',
        path: 'guests[0].pin',
        expected: /^a list of 1 to 64 distinct integers$/,
        got: '0',
      },
      {
        name: 'an image path that is a number',
        yaml: 'guests:\n  - name: s\n    os: sel4\n    image:\n      kernel: 5 #<\n',
        path: 'guests[0].image.kernel',
        expected: /^a path to the seL4 kernel image$/,
        got: '5',
      },
      {
        name: 'an image path that is true',
        yaml: 'guests:\n  - name: m\n    os: minix\n    image:\n      disk: true #<\n',
        path: 'guests[0].image.disk',
        expected: /^a path to a MINIX 3 disk image$/,
        got: 'true',
      },
      {
        name: 'an image path that is a mapping',
        yaml: 'guests:\n  - name: s\n    os: sel4\n    image:\n      buildDir: { path: b } #<\n',
        path: 'guests[0].image.buildDir',
        expected: /^a path to a seL4 kernel build directory$/,
        got: '{"path":"b"}',
      },
      {
        name: 'a results directory that is a number',
        yaml: 'resultsDir: 5 #<\nguests: [{ name: a, os: linux }]\n',
        path: 'resultsDir',
        expected: /^a non-empty string$/,
        got: '5',
      },
      {
        name: 'an empty cache directory',
        yaml: 'cacheDir: "" #<\nguests: [{ name: a, os: linux }]\n',
        path: 'cacheDir',
        expected: /^a non-empty string$/,
        got: '""',
      },
      {
        name: 'a kernel package that is a path',
        yaml: 'guests:\n  - name: l\n    os: linux\n    image:\n      kernelPackage: ../../etc/passwd #<\n',
        path: 'guests[0].image.kernelPackage',
        expected: /^a Debian package name/,
        got: '"../../etc/passwd"',
      },
      {
        name: 'a guest name that would climb out of the run directory',
        yaml: 'guests:\n  - name: ../../escape #<\n    os: linux\n',
        path: 'guests[0].name',
        expected: /lowercase letter/,
        got: '"../../escape"',
      },
      {
        name: 'a guest name with a path separator',
        yaml: 'guests:\n  - name: a/b #<\n    os: linux\n',
        path: 'guests[0].name',
        expected: /lowercase letter/,
        got: '"a/b"',
      },
      {
        name: 'a guest name of 33 characters',
        yaml: `guests:\n  - name: ${'a'.repeat(33)} #<\n    os: linux\n`,
        path: 'guests[0].name',
        expected: /1 to 32 characters/,
        got: `"${'a'.repeat(33)}"`,
      },
      {
        name: 'an include pattern with a path separator',
        yaml: 'guests:\n  - name: a\n    os: linux\n    benchmarks:\n      include: [../syscall.null] #<\n',
        path: 'guests[0].benchmarks.include[0]',
        expected: /metric name or glob/,
        got: '"../syscall.null"',
      },
      {
        name: 'an os in capitals',
        yaml: 'guests:\n  - name: a\n    os: Linux #<\n',
        path: 'guests[0].os',
        expected: /^one of linux, sel4, minix\b/,
        got: '"Linux"',
      },
      {
        name: 'a guest that is a string',
        yaml: 'guests:\n  - linux #<\n',
        path: 'guests[0]',
        expected: /^a mapping with keys 'name', 'os'$/,
        got: '"linux"',
      },
      {
        name: 'a __proto__ key (no prototype games)',
        yaml: 'guests: [{ name: a, os: linux }]\n__proto__: { accel: kvm } #<\n',
        path: '__proto__',
        expected: /^no key '__proto__'/,
        got: "key '__proto__'",
      },
      {
        name: 'a YAML merge key (not YAML 1.2)',
        yaml: 'guests:\n  - <<: { os: linux } #<\n    name: a\n',
        path: 'guests[0]["<<"]',
        expected: /^no key '<<'/,
        got: "key '<<'",
      },
      {
        name: 'a YAML bomb (aliases expanding to millions of nodes)',
        yaml: [
          'a: &a [x, x, x, x, x, x, x, x, x, x]',
          'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
          'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
          'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
          'e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]',
          'f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]',
          'guests: [{ name: a, os: linux }]',
          '',
        ].join('\n'),
        line: 1,
        path: '(yaml)',
        expected: /^YAML that can be expanded$/,
        got: /resource exhaustion/,
      },
      {
        name: 'two YAML documents in one file',
        yaml: 'guests: [{ name: a, os: linux }]\n--- #<\nguests: [{ name: b, os: linux }]\n',
        path: '(yaml)',
        expected: /^valid YAML \(Source contains multiple documents/,
        got: '"--- #<"',
      },
      {
        name: 'tabs as indentation',
        yaml: 'guests:\n\t- name: a #<\n',
        path: '(yaml)',
        expected: /^valid YAML \(/,
        got: /name: a/,
      },
      {
        name: 'an absurd number of bootstrap resamples',
        yaml: 'bootstrap:\n  resamples: 1000000000 #<\nguests: [{ name: a, os: linux }]\n',
        path: 'bootstrap.resamples',
        expected: /^an integer from 100 to 100000$/,
        got: '1000000000',
      },
      {
        name: 'a negative overhead tolerance',
        yaml: 'methodology:\n  overheadTolerance: { relative: -0.5 } #<\nguests: [{ name: a, os: linux }]\n',
        path: 'methodology.overheadTolerance.relative',
        expected: /^a number from 0 to 10$/,
        got: '-0.5',
      },
      {
        name: 'an unknown outlier rule',
        yaml: 'methodology:\n  outliers: drop #<\nguests: [{ name: a, os: linux }]\n',
        path: 'methodology.outliers',
        expected: /^one of mad, tukey$/,
        got: '"drop"',
      },
    ];

    it('has at least 60 cases', () => {
      expect(cases.length).to.be.at.least(60);
    });

    for (const c of cases) {
      it(`reports ${c.name}`, async () => {
        const file = await writeConfig(c.yaml);
        const error = await loadError(file, c.options);
        const issue = error.issues.find((i) => i.path === c.path);
        expect(issue, `no issue at ${c.path} in:\n${error.message}`).not.to.equal(undefined);
        const found = issue as ConfigIssue;
        expect(found.file).to.equal(file);
        expect(found.line, error.message).to.equal(c.line ?? markedLine(c.yaml));
        if (c.column !== undefined) expect(found.column, error.message).to.equal(c.column);
        expect(found.expected).to.match(c.expected);
        if (typeof c.got === 'string') expect(found.got).to.equal(c.got);
        else expect(found.got).to.match(c.got);
        expect(error.message).to.include(`${file}:${found.line}:${found.column}: ${found.path}: expected ${found.expected}, got ${found.got}`);
      });
    }

    it('reports a missing file with the fs error as cause', async () => {
      const file = path.join(dir, 'does-not-exist.yaml');
      const error = await loadError(file);
      expect(error.issues).to.have.length(1);
      expect(error.issues[0]).to.deep.include({ file, path: '(file)', line: 0, column: 0, got: 'no such file' });
      expect(error.issues[0]!.expected).to.equal('a readable YAML file');
      expect((error.cause as NodeJS.ErrnoException).code).to.equal('ENOENT');
      expect(error.message).to.equal(`${file}: (file): expected a readable YAML file, got no such file`);
    });

    it('reports a directory given as the file', async () => {
      const error = await loadError(dir);
      expect(error.issues[0]).to.deep.include({ path: '(file)', got: 'a directory' });
      expect((error.cause as NodeJS.ErrnoException).code).to.equal('EISDIR');
    });

    it('keeps the YAML parser error as cause', async () => {
      const file = await writeConfig('guests: [\n');
      const error = await loadError(file);
      expect(error.cause).to.be.instanceOf(Error);
      expect((error.cause as Error).name).to.equal('YAMLParseError');
    });

    it('reports bytes that are not UTF-8', async () => {
      const file = path.join(dir, 'latin1.yaml');
      await writeFile(file, Buffer.from([0x67, 0x75, 0x65, 0x73, 0x74, 0x73, 0x3a, 0x20, 0xe9, 0x0a]));
      const error = await loadError(file);
      expect(error.issues[0]).to.deep.include({ path: '(file)', expected: 'UTF-8 text' });
    });

    it('reports more than 16 guests by count', async () => {
      const guests = Array.from({ length: 17 }, (_, k) => `  - { name: g${k}, os: linux }`).join('\n');
      const error = await loadError(await writeConfig(`guests:\n${guests}\n`));
      expect(error.issues).to.have.length(1);
      expect(error.issues[0]).to.deep.include({ path: 'guests', line: 2, got: '17 entries' });
    });

    it('lists every issue, in file order, one per line of the message', async () => {
      const text = [
        'accel: fast', // 1
        'guests:', // 2
        '  - name: a', // 3
        '    os: linux', // 4
        '    vcpus: 0', // 5
        '    colour: red', // 6
        '  - name: a', // 7
        '    os: sel4', // 8
        '    pin: [0, 9]', // 9
        '',
      ].join('\n');
      const file = await writeConfig(text);
      const error = await loadError(file, { hostCpus: 4 });
      expect(error.issues.map((i) => [i.line, i.path])).to.deep.equal([
        [1, 'accel'],
        [5, 'guests[0].vcpus'],
        [6, 'guests[0].colour'],
        [7, 'guests[1].name'],
        [9, 'guests[1].pin[1]'],
      ]);
      const lines = error.message.split('\n');
      expect(lines).to.have.length(5);
      for (const [k, line] of lines.entries()) {
        const issue = error.issues[k]!;
        expect(line).to.equal(`${file}:${issue.line}:${issue.column}: ${issue.path}: expected ${issue.expected}, got ${issue.got}`);
      }
    });

    it('truncates long values', async () => {
      const long = 'x'.repeat(200);
      const error = await loadError(await writeConfig(`guests:\n  - name: ${long}\n    os: linux\n`));
      const got = error.issues[0]!.got;
      expect(got.length).to.be.at.most(60);
      expect(got.startsWith('"xxx')).to.equal(true);
      expect(got.endsWith('…')).to.equal(true);
    });

    it('rejects a nonsensical hostCpus option as a programming error', async () => {
      const file = await writeConfig('guests: [{ name: a, os: linux }]\n');
      let caught: unknown;
      try {
        await loadConfig(file, { hostCpus: 0 });
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(RangeError);
    });
  });

  // Issue 7 (docs/reliability.md, "Bad configs"): files that are no config at all are refused
  // before they are parsed, quickly and without reading them whole.
  describe('a file that is no config', () => {
    async function fileIssue(file: string): Promise<ConfigIssue> {
      // Quickly: in CPU time, which other work on the machine does not stretch; a refusal that
      // waits (a pipe without a writer, /dev/zero read to the end) is caught by the test's timeout.
      const before = process.cpuUsage();
      const error = await loadError(file);
      const { user, system } = process.cpuUsage(before);
      expect((user + system) / 1000, 'refused quickly (ms of CPU)').to.be.below(5000);
      expect(error.issues).to.have.length(1);
      const issue = error.issues[0]!;
      expect(issue).to.deep.include({ file: path.resolve(file), path: '(file)', line: 0, column: 0 });
      expect(error.message).to.equal(`${path.resolve(file)}: (file): expected ${issue.expected}, got ${issue.got}`);
      return issue;
    }

    it('refuses a 10 MB file by its size, without parsing it', async () => {
      const file = path.join(dir, 'huge.yaml');
      const line = 'guests: [{ name: a, os: linux }] # padding padding padding padding padding padding padding\n';
      await writeFile(file, line.repeat(Math.ceil((10 * 1024 * 1024) / line.length)));
      const issue = await fileIssue(file);
      expect(issue.expected).to.equal(`a YAML file of at most ${MAX_YAML_BYTES} bytes`);
      expect(issue.got).to.match(/^\d{8} bytes$/);
    });

    it('loads a file of just under the limit', async () => {
      const file = path.join(dir, 'big-ok.yaml');
      const head = 'guests: [{ name: a, os: linux }]\n';
      await writeFile(file, head + '#'.repeat(MAX_YAML_BYTES - head.length - 1) + '\n');
      expect((await loadConfig(file)).guests[0]!.name).to.equal('a');
    });

    it('refuses /dev/zero (a character device that never ends)', async () => {
      const issue = await fileIssue('/dev/zero');
      expect(issue).to.deep.include({ expected: 'a readable YAML file', got: 'a character device' });
    });

    it('refuses a named pipe without waiting for a writer', async () => {
      const fifo = path.join(dir, 'config.fifo');
      await execa('mkfifo', [fifo]);
      const issue = await fileIssue(fifo);
      expect(issue).to.deep.include({ expected: 'a readable YAML file', got: 'a named pipe' });
    });

    it('refuses a binary (an ELF executable) as not UTF-8', async () => {
      const issue = await fileIssue(process.execPath);
      // node is far bigger than a config, so its size is what is reported; a small binary is not UTF-8.
      expect(issue.got).to.match(/bytes$/);
      const small = path.join(dir, 'small.bin');
      await writeFile(small, (await readFile(process.execPath)).subarray(0, 4096));
      expect(await fileIssue(small)).to.deep.include({ expected: 'UTF-8 text', got: 'bytes that are not valid UTF-8' });
    });

    it('refuses a symbolic link loop', async () => {
      const loop = path.join(dir, 'loop.yaml');
      await symlink(loop, loop);
      expect(await fileIssue(loop)).to.deep.include({ got: 'a symbolic link loop' });
    });

    it('reports an empty file as an empty document', async () => {
      const file = await writeConfig('');
      const error = await loadError(file);
      expect(error.issues[0]).to.deep.include({ path: '(root)', line: 1, got: 'an empty document' });
    });

    it('reports YAML nested too deep to parse as a YAML error, at a position', async () => {
      // The parser's stack runs out near 2000 levels: ten times that is deep enough, and takes a
      // tenth of a second where 200 000 levels took seconds.
      const depth = 20_000;
      const file = await writeConfig(`guests: ${'['.repeat(depth)}${']'.repeat(depth)}\n`);
      const error = await loadError(file);
      expect(error.issues[0]!.path).to.equal('(yaml)');
      expect(error.issues[0]!.line).to.equal(1);
      expect(error.issues[0]!.expected).to.match(/^valid YAML/);
    });

    it('accepts a UTF-8 byte order mark', async () => {
      const file = await writeConfig('\ufeffguests: [{ name: a, os: linux }]\n');
      expect((await loadConfig(file)).guests[0]!.name).to.equal('a');
    });
  });

  // Which image paths must exist at load time: none. A missing image skips the guest at run time
  // with advice (configs/all.yaml relies on it for seL4 and MINIX); a path that exists but is the
  // wrong kind of thing is a mistake in the config and is rejected here.
  describe('image paths', () => {
    it('loads paths that do not exist (the guest is skipped at run time)', async () => {
      const file = await writeConfig(
        'guests:\n  - { name: m, os: minix, image: { disk: nowhere/minix.img, bootDir: nowhere/boot } }\n  - { name: s, os: sel4, image: { buildDir: nowhere/build, kernel: nowhere/k.elf } }\n',
      );
      const config = await loadConfig(file);
      expect(config.guests[0]!.image.disk).to.equal(path.join(dir, 'nowhere', 'minix.img'));
    });

    const kinds: { name: string; image: string; make: 'file' | 'dir'; path: string; expected: RegExp; got: RegExp }[] = [
      {
        name: 'a MINIX disk image that is a directory',
        image: 'os: minix, image: { disk: %P }',
        make: 'dir',
        path: 'guests[0].image.disk',
        expected: /^a path to a file, or to nothing yet/,
        got: /, a directory$/,
      },
      {
        name: 'a MINIX boot directory that is a file',
        image: 'os: minix, image: { disk: none.img, bootDir: %P }',
        make: 'file',
        path: 'guests[0].image.bootDir',
        expected: /^a path to a directory/,
        got: /, a file$/,
      },
      {
        name: 'a seL4 build directory that is a file',
        image: 'os: sel4, image: { buildDir: %P }',
        make: 'file',
        path: 'guests[0].image.buildDir',
        expected: /^a path to a directory/,
        got: /, a file$/,
      },
      {
        name: 'a seL4 kernel that is a directory',
        image: 'os: sel4, image: { kernel: %P }',
        make: 'dir',
        path: 'guests[0].image.kernel',
        expected: /^a path to a file/,
        got: /, a directory$/,
      },
      {
        name: 'a seL4 source tree that is a file',
        image: 'os: sel4, image: { sourceDir: %P }',
        make: 'file',
        path: 'guests[0].image.sourceDir',
        expected: /^a path to a directory/,
        got: /, a file$/,
      },
    ];
    for (const c of kinds) {
      it(`rejects ${c.name}, at its line`, async () => {
        const target = `kind-${++counter}`;
        if (c.make === 'dir') await mkdir(path.join(dir, target));
        else await writeFile(path.join(dir, target), 'x');
        const file = await writeConfig(`guests:\n  - { name: g, ${c.image.replace('%P', target)} }\n`);
        const error = await loadError(file);
        const issue = error.issues.find((i) => i.path === c.path);
        expect(issue, error.message).not.to.equal(undefined);
        expect(issue!.line).to.equal(2);
        expect(issue!.expected).to.match(c.expected);
        expect(issue!.got).to.match(c.got);
        expect(issue!.got).to.include(JSON.stringify(target));
      });
    }

    it("does not check them when told not to (a run directory's copy of a config)", async () => {
      await mkdir(path.join(dir, 'a-dir'), { recursive: true });
      const file = await writeConfig('guests:\n  - { name: m, os: minix, image: { disk: a-dir } }\n');
      expect((await loadConfig(file, { checkImagePaths: false })).guests[0]!.image.disk).to.equal(path.join(dir, 'a-dir'));
    });
  });

  // Unpinned, more vCPUs than host CPUs is allowed: QEMU time-shares the threads (docs/reliability.md).
  it('accepts more unpinned vCPUs than host CPUs', async () => {
    const file = await writeConfig('guests:\n  - { name: a, os: linux, vcpus: 8 }\n');
    expect((await loadConfig(file, { hostCpus: 2 })).guests[0]!.vcpus).to.equal(8);
  });
});

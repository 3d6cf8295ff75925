import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';

import { expect } from 'chai';

import { ConfigError, loadConfig, type ConfigIssue, type LoadOptions } from '../../harness/config/index.js';

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
      expect(config.methodology).to.deep.equal({ overheadTolerance: { relative: 0.25, absolute: 2 }, unstableOverhead: 'flag', outliers: 'mad', settling: 'mser5' });

      expect(config.guests).to.deep.equal([
        {
          name: 'linux',
          os: 'linux',
          vcpus: 2,
          memoryMiB: 512,
          pin: undefined,
          benchmarks: { boots: 1, iterations: 10000, warmup: 1000, include: ['*'] },
          peers: [],
          image: { kernelPackage: 'linux-image-cloud-amd64' },
        },
        {
          name: 'sel4',
          os: 'sel4',
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
        expected: /^no key 'verbose' \(allowed: accel, resultsDir, cacheDir, timeouts, bootstrap, report, methodology, guests\)$/,
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
        expected: /^no key 'memory' \(allowed: name, os, vcpus, memoryMiB, pin, benchmarks, peers, image\)$/,
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
        expected: /^no key 'kernel' \(allowed for os linux: kernelPackage\)$/,
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
        expected: /^one of linux, sel4, minix$/,
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
    ];

    it('has at least 15 cases', () => {
      expect(cases.length).to.be.at.least(15);
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
        expect(error.message).to.include(
          `${file}:${found.line}:${found.column}: ${found.path}: expected ${found.expected}, got ${found.got}`,
        );
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
        expect(line).to.equal(
          `${file}:${issue.line}:${issue.column}: ${issue.path}: expected ${issue.expected}, got ${issue.got}`,
        );
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
});

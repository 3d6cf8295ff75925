import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { ExitCode } from '../../harness/cli/exit-codes.js';
import { linuxAdapter } from '../../harness/guests/linux/adapter.js';
import { projectRoot } from '../../harness/paths.js';
import { installFakeQemu, pathWith, type FakeQemu } from '../support/fake-qemu/index.js';
import { sampleStream } from '../wire/encode.js';

/**
 * Issue 7, "Bad configs": whatever is wrong with a config, `harness run` says where and what
 * before anything boots. A fake qemu-system-x86_64 first on PATH records every call; it must
 * never be called, and no run directory may be created.
 */
describe('harness run with a bad config', function () {
  this.timeout(60_000);
  let dir: string;
  let fake: FakeQemu;
  let log: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hb-bad-config-'));
    log = join(dir, 'qemu-calls.jsonl');
    fake = await installFakeQemu(dir, { log, writes: [], then: 'exit' });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const cpus = availableParallelism();
  const hostMiB = Math.floor(totalmem() / 2 ** 20);
  const results = () => join(dir, 'results');
  const header = () => `resultsDir: ${results()}\ncacheDir: ${join(dir, 'cache')}\naccel: tcg-icount\n`;
  const cases: { name: string; text?: string; file?: string; field: string; expected: RegExp; got: RegExp }[] = [
    {
      name: 'a wrong type',
      text: 'guests:\n  - name: a\n    os: linux\n    vcpus: two\n',
      field: 'guests[0].vcpus',
      expected: /an integer from 1 to 64/,
      got: /"two"/,
    },
    {
      name: 'an unknown key',
      text: 'guests:\n  - name: a\n    os: linux\n    colour: red\n',
      field: 'guests[0].colour',
      expected: /no key 'colour'/,
      got: /key 'colour'/,
    },
    {
      name: 'a CPU the host does not have',
      text: `guests:\n  - name: a\n    os: linux\n    vcpus: 1\n    pin: [${cpus}]\n`,
      field: 'guests[0].pin[0]',
      expected: /a host CPU number from 0 to/,
      got: new RegExp(`${cpus}`),
    },
    {
      name: 'more pinned vCPUs than host CPUs',
      text: `guests:\n  - name: a\n    os: linux\n    vcpus: ${cpus + 1}\n    pin: [${Array.from({ length: cpus + 1 }, (_, k) => k).join(', ')}]\n`,
      field: 'guests[0].vcpus',
      expected: /pinned vCPU/,
      got: new RegExp(`${cpus + 1}`),
    },
    {
      name: 'more memory than the host has',
      text: `guests:\n  - name: a\n    os: linux\n    memoryMiB: ${Math.min(65536, hostMiB + 1)}\n`,
      field: 'guests[0].memoryMiB',
      expected: /MiB/,
      got: /\d/,
    },
    {
      name: 'negative iterations',
      text: 'guests:\n  - name: a\n    os: linux\n    benchmarks: { iterations: -1 }\n',
      field: 'guests[0].benchmarks.iterations',
      expected: /an integer from 1/,
      got: /-1/,
    },
    {
      name: 'an absurd timeout',
      text: 'timeouts: { bootSeconds: 1000000000 }\nguests: [{ name: a, os: linux }]\n',
      field: 'timeouts.bootSeconds',
      expected: /an integer from 1 to 86400/,
      got: /1000000000/,
    },
    {
      name: 'a YAML bomb',
      text: 'a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\nguests: [{ name: a, os: linux }]\n',
      field: '(yaml)',
      expected: /YAML that can be expanded/,
      got: /resource exhaustion/,
    },
    {
      name: 'an include pattern that matches no benchmark of its guest',
      text: 'guests:\n  - name: a\n    os: linux\n    benchmarks: { include: [syscall.null, "nomatch.*"] }\n',
      field: 'guests[0].benchmarks.include[1]',
      expected:
        /^a metric name or glob that matches a benchmark of guest a \(linux \(initramfs\): syscall\.null, syscall\.null\.enosys, .*, pagefault\.file\)$/,
      got: /^"nomatch\.\*"$/,
    },
    {
      name: 'less memory than the guest boots with',
      text: 'guests:\n  - name: a\n    os: linux\n    memoryMiB: 64\n',
      field: 'guests[0].memoryMiB',
      expected: new RegExp(`^at least ${linuxAdapter.minMemoryMiB} MiB for linux \\(initramfs\\)$`),
      got: /^64$/,
    },
    { name: 'a missing config file', file: '/nonexistent/hb-config.yaml', field: '(file)', expected: /a readable YAML file/, got: /no such file/ },
    { name: 'a directory', file: '/', field: '(file)', expected: /a readable YAML file/, got: /a directory/ },
    { name: 'a character device', file: '/dev/zero', field: '(file)', expected: /a readable YAML file/, got: /a character device/ },
  ];

  // The CLI is run for every case at once (each run is a process of its own, and the cases share
  // nothing but the fake QEMU that none may call); each test then looks at its case's run.
  const runCli = (file: string) =>
    execa('node', [join(projectRoot, 'bin', 'harness.js'), 'run', file], { reject: false, cwd: projectRoot, env: { PATH: pathWith(fake) } });
  let runs: Map<string, { file: string; result: Awaited<ReturnType<typeof runCli>> }>;
  before(async () => {
    runs = new Map(
      await Promise.all(
        cases.map(async (c) => {
          let file = c.file;
          if (file === undefined) {
            file = join(dir, `${c.name.replace(/\W+/g, '-')}.yaml`);
            await writeFile(file, `${header()}${c.text}`);
          }
          return [c.name, { file, result: await runCli(file) }] as const;
        }),
      ),
    );
  });

  for (const c of cases) {
    it(`refuses ${c.name}: names file, line, field, expected and got, and never starts QEMU`, async () => {
      const { file, result } = runs.get(c.name)!;
      expect(result.exitCode, result.stderr).to.equal(ExitCode.USAGE);
      const line = result.stderr.split('\n').find((l) => l.includes(`: ${c.field}: expected `));
      expect(line, result.stderr).not.to.equal(undefined);
      // file:line:column: field: expected X, got Y (no position for a file that could not be read)
      const match = /^harness: (\/\S*?)(?::(\d+):(\d+))?: (\S+): expected (.+), got (.+)$/.exec(line!);
      expect(match, line).not.to.equal(null);
      expect(match![1]).to.equal(file);
      if (c.field !== '(file)') expect(Number(match![2])).to.be.at.least(1);
      expect(match![4]).to.equal(c.field);
      expect(match![5]).to.match(c.expected);
      expect(match![6]).to.match(c.got);
      expect(existsSync(log), 'the fake QEMU was called').to.equal(false);
      expect(existsSync(results()) ? await readdir(results()) : []).to.deep.equal([]);
    });
  }

  it('refuses a --bench that matches no benchmark of the guests run (exit 2), and never starts QEMU', async () => {
    const file = join(dir, 'bench-nomatch.yaml');
    await writeFile(file, `${header()}guests:\n  - { name: a, os: linux }\n`);
    const result = await execa('node', [join(projectRoot, 'bin', 'harness.js'), 'run', file, '--bench', 'syscall.null,nomatch.*'], {
      reject: false,
      cwd: projectRoot,
      env: { PATH: pathWith(fake) },
    });
    expect(result.exitCode, result.stderr).to.equal(ExitCode.USAGE);
    expect(result.stderr).to.match(
      /expected --bench to be metric names or globs that match a benchmark of a guest run \(guest a \(linux \(initramfs\): syscall\.null, .*\), got 'nomatch\.\*', which matches none/,
    );
    expect(existsSync(log), 'the fake QEMU was called').to.equal(false);
    expect(existsSync(results()) ? await readdir(results()) : []).to.deep.equal([]);
  });

  it('refuses resultsDir or cacheDir under /proc, a file, or with a NUL byte (exit 2, the field and its line), and returns rather than spinning', async () => {
    const aFile = join(dir, 'a-file');
    await writeFile(aFile, 'x');
    const settings: { key: string; value: string; got: string }[] = [
      { key: 'resultsDir', value: '/proc/adv-results', got: 'on the /proc pseudo file system (/proc/adv-' },
      { key: 'cacheDir', value: '/proc/adv-cache', got: 'on the /proc pseudo file system (/proc/adv-' },
      { key: 'resultsDir', value: aFile, got: 'an existing file that is not a directory' },
      { key: 'cacheDir', value: aFile, got: 'an existing file that is not a directory' },
      { key: 'resultsDir', value: 'res\\0ults', got: 'contains a NUL byte' },
    ];
    for (const [i, s] of settings.entries()) {
      const file = join(dir, `path-setting-${i}.yaml`);
      const other = s.key === 'resultsDir' ? `cacheDir: ${join(dir, 'cache')}` : `resultsDir: ${results()}`;
      await writeFile(file, `guests: [{ name: a, os: linux }]\n${s.key}: "${s.value}"\n${other}\n`);
      const result = await runCli(file);
      expect(result.exitCode, result.stderr).to.equal(ExitCode.USAGE);
      expect(result.stderr, s.value).to.match(
        new RegExp(`^harness: ${file}:2:\\d+: ${s.key}: expected a directory .*got .*${s.got.replace(/[()/.]/g, '\\$&')}`, 'm'),
      );
      expect(result.stderr).not.to.include('\0');
    }
    expect(existsSync(log), 'the fake QEMU was called').to.equal(false);
    expect(existsSync(results()) ? await readdir(results()) : []).to.deep.equal([]);
  });

  it('@host control: a good config does start the fake QEMU (so the checks above can see a call)', async function () {
    this.timeout(10 * 60_000);
    const good = join(dir, 'good.yaml');
    await writeFile(
      good,
      `${header().replace(`cacheDir: ${join(dir, 'cache')}`, `cacheDir: ${join(projectRoot, '.cache')}`)}guests:\n  - { name: a, os: linux, vcpus: 1, benchmarks: { iterations: 5, warmup: 10 } }\n`,
    );
    const stream = sampleStream();
    const goodFake = await installFakeQemu(join(dir, 'good'), { log, writes: [{ to: 'data', base64: stream.toString('base64') }] });
    const result = await execa('node', [join(projectRoot, 'bin', 'harness.js'), 'run', good], {
      reject: false,
      cwd: projectRoot,
      env: { PATH: pathWith(goodFake) },
    });
    expect(result.exitCode, result.stderr).to.equal(0);
    expect(existsSync(log)).to.equal(true);
    expect(await readdir(results())).to.have.length(1);
  });
});

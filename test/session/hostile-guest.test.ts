// Issue 7, "Data channel faults" and "Hostile guest output" (docs/reliability.md), through the
// runner's own path: runGuestSession starts a fake qemu-system-x86_64 (test/support/fake-qemu),
// which answers QMP like QEMU and then writes crafted bytes to the console and data chardev files
// named in its argv: a guest that is broken or hostile, without needing one.
import { expect } from 'chai';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { GuestConfig } from '../../harness/config/types.js';
import type { PreparedGuest } from '../../harness/guests/adapter.js';
import { CONSOLE_LOG_MAX_BYTES } from '../../harness/session/console-tail.js';
import { FILE_TAIL_READ_BYTES } from '../../harness/session/file-tail.js';
import { runGuestSession } from '../../harness/session/qemu-session.js';
import type { SessionResult } from '../../harness/session/types.js';
import type { RecordTypeName } from '../../harness/wire/constants.js';
import { installFakeQemu, type FakeQemuPlan } from '../support/fake-qemu/index.js';
import { encodeRecord, fields, samples } from '../wire/encode.js';

type Spec = [RecordTypeName, Buffer];

const begin: Spec = ['STREAM_BEGIN', fields({ payload: 'hb-linux 1', guest_os: 'linux', kernel: '6.1', cpus_online: 1, timer: 'rdtscp+lfence', tsc_hz: 0 })];
const bench = (metric: string, iterations: number, value = 100): Spec[] => {
  const perRecord = 8000;
  const chunks: Spec[] = [];
  for (let first = 0; first < iterations; first += perRecord) {
    chunks.push([
      'SAMPLES',
      samples(
        first,
        Array.from({ length: Math.min(perRecord, iterations - first) }, (_, k) => value + ((first + k) % 7)),
      ),
    ]);
  }
  return [
    [
      'BENCH_BEGIN',
      fields({ metric, mechanism: 'm', unit: 'tsc-ticks', iterations, warmup: 0, ops_per_sample: 1, vcpus: '0', affinity: '0', timer_overhead: 10 }),
    ],
    ...chunks,
    ['BENCH_END', fields({ metric, samples: iterations, timer_overhead_after: 10 })],
  ];
};
const end = (benchmarks: number): Spec => ['STREAM_END', fields({ benchmarks })];
const encode = (specs: readonly Spec[]) => Buffer.concat(specs.map(([type, payload], seq) => encodeRecord(type, seq, payload)));
const offsetOfRecord = (bytes: Buffer, index: number) => {
  let at = 0;
  for (let k = 0; k < index; k++) at += 20 + bytes.readUInt32LE(at + 12);
  return at;
};

const ITERATIONS = 50;
const guest = (overrides: Partial<GuestConfig['benchmarks']> = {}): GuestConfig => ({
  name: 'linux',
  os: 'linux',
  vcpus: 1,
  memoryMiB: 256,
  pin: undefined,
  benchmarks: { boots: 1, iterations: ITERATIONS, warmup: 0, include: ['*'], ...overrides },
  peers: [],
  image: {},
});

describe('a broken or hostile guest, through the runner (fake QEMU)', function () {
  this.timeout(120_000);
  let dir: string;
  let count = 0;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hb-hostile-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function session(
    plan: FakeQemuPlan,
    config = guest(),
    options: {
      consoleLogMaxBytes?: number;
      kernel?: 'there' | 'missing';
      freeBytes?: (dir: string) => Promise<number>;
      /** A multiboot module list, relative to the boot's folder; `files` of it are written there. */
      modules?: { initrd: string; files: string[] };
    } = {},
  ): Promise<SessionResult & { guestDir: string; kernel: string }> {
    const work = join(dir, `case-${++count}`);
    const fake = await installFakeQemu(work, plan);
    const kernel = join(work, 'kernel');
    if (options.kernel !== 'missing') await writeFile(kernel, 'not a kernel: the fake QEMU loads nothing');
    for (const file of options.modules?.files ?? []) await writeFile(join(work, file), 'a module');
    const modules = options.modules ? { initrd: options.modules.initrd, cwd: work } : {};
    const prepared: PreparedGuest = { boot: { qemuBinary: fake.binary, kernel, ...modules }, provenance: {} };
    const guestDir = join(work, 'guest');
    const result = await runGuestSession({
      guest: config,
      prepared,
      accel: 'tcg-icount',
      vcpus: 1,
      guestDir,
      // Far longer than any case needs: each ends on what the fake guest does (exits, sends a bad
      // record, floods), never on a timeout, however slow the machine is that day.
      timeouts: { bootSeconds: 60, benchmarkSeconds: 60, shutdownSeconds: 60 },
      emit: () => undefined,
      pollMs: 20,
      ...(options.consoleLogMaxBytes === undefined ? {} : { consoleLogMaxBytes: options.consoleLogMaxBytes }),
      ...(options.freeBytes === undefined ? {} : { freeBytes: options.freeBytes }),
    });
    // Whatever happened, QEMU was reaped (when it was started at all).
    if (!result.error?.message.includes('QEMU was not started')) expect(result.exit, 'QEMU exit recorded').not.to.equal(undefined);
    return { ...result, guestDir, kernel };
  }

  const data = (bytes: Buffer) => ({ to: 'data' as const, base64: bytes.toString('base64') });

  it('reads a well-behaved fake guest completely (the control)', async () => {
    const result = await session({ writes: [{ to: 'console', text: 'hb: starting\n' }, data(encode([begin, ...bench('syscall.null', ITERATIONS), end(1)]))] });
    expect(result.error).to.equal(undefined);
    expect(result.stream.complete).to.equal(true);
    expect(result.stream.benchmarks.map((b) => b.metric)).to.deep.equal(['syscall.null']);
    // QMP listened in the boot's own folder (nothing left in the temporary directory by a killed run), and the socket is gone.
    expect(result.argv.join(' ')).to.include(`unix:${join(result.guestDir, 'qmp.sock')}`);
    expect((await readdir(result.guestDir)).sort()).to.deep.equal(['console.log', 'data.bin']);
  });

  it('says too little memory is the likely cause when a guest with less than it is known to boot with stops silently (memoryMiB: 64)', async () => {
    const result = await session({ writes: [], then: 'exit' }, { ...guest(), memoryMiB: 64 });
    expect(result.error?.message).to.match(
      /QEMU stopped before the payload finished \(exit code 0\); the guest printed nothing on its console; likely cause: too little memory for this guest \(memoryMiB: 64; it is known to boot with 128\): raise guests\[\]\.memoryMiB of linux/,
    );
    const enough = await session({ writes: [], then: 'exit' }, { ...guest(), memoryMiB: 256 });
    expect(enough.error?.message).to.include('the guest printed nothing on its console');
    expect(enough.error?.message).not.to.include('memory');
  });

  it('names the kernel file that vanished (cache deleted mid-run) and does not start QEMU', async () => {
    const result = await session({ writes: [], then: 'exit' }, guest(), { kernel: 'missing' });
    expect(result.exit).to.equal(undefined);
    expect(result.error?.phase).to.equal('start');
    expect(result.error?.message).to.include(
      `the kernel file ${result.kernel} vanished after the image was prepared (was the cache deleted during the run?); QEMU was not started`,
    );
  });

  it("reads a multiboot -initrd as modules, each a file and its arguments (GNU Mach's payload ${host-port} ...)", async () => {
    const initrd = 'payload ${host-port} ${device-port} $(task-create),second arg';
    const both = await session({ writes: [], then: 'exit' }, guest(), { modules: { initrd, files: ['payload', 'second'] } });
    expect(both.error?.message ?? '').not.to.include('vanished');
    const oneGone = await session({ writes: [], then: 'exit' }, guest(), { modules: { initrd, files: ['payload'] } });
    expect(oneGone.error?.message).to.include(`the initrd file ${join(dirname(oneGone.kernel), 'second')} vanished`);
  });

  it("names the kernel file that vanished after QEMU started, and quotes QEMU's stderr (was: QMP qmp_capabilities: no answer)", async () => {
    const result = await session({ writes: [], then: 'exit', kernelVanishes: true });
    expect(result.error?.phase).to.equal('start');
    expect(result.error?.message).to.include(`the kernel file ${result.kernel} vanished after the image was prepared`);
    expect(result.error?.message).to.include(`could not open kernel file '${result.kernel}': No such file or directory`);
  });

  it('stops at a flipped byte, names its offset, keeps the benchmark before it and no figure after', async () => {
    const bytes = encode([begin, ...bench('syscall.null', ITERATIONS), ...bench('ctxswitch.yield', ITERATIONS), end(2)]);
    const damaged = offsetOfRecord(bytes, 5);
    bytes[damaged + 30]! ^= 0x20;
    const result = await session({ writes: [data(bytes)], then: 'hang' });
    expect(result.error?.phase).to.equal('data');
    expect(result.error?.message).to.match(
      new RegExp(
        `failed during data: data channel at byte ${damaged}: expected CRC-32 0x[0-9a-f]{8} for the SAMPLES record of \\d+ bytes, got CRC-32 0x[0-9a-f]{8}`,
      ),
    );
    expect(result.stream.benchmarks.map((b) => b.metric)).to.deep.equal(['syscall.null']);
    expect(result.exit?.signal).to.equal('SIGKILL');
  });

  it('stops at binary noise on the data channel at byte 0, and quotes the console printably', async () => {
    const result = await session({
      writes: [
        { to: 'console', random: 256 * 1024, seed: 7 },
        { to: 'data', random: 4 * 1024 * 1024, seed: 3 },
      ],
      then: 'hang',
    });
    expect(result.error?.phase).to.equal('data');
    expect(result.error?.message).to.match(/data channel at byte 0: expected magic 0x52574248, got 0x[0-9a-f]{8}/);
    expect(result.error?.consoleTail).to.match(/^[\x20-\x7e\n\t]+$/);
    expect(result.error!.consoleTail.length).to.be.at.most(2048);
    // Read a slice at a time, so the 4 MB of noise were never read whole.
    expect(result.dataBytes).to.be.at.most(FILE_TAIL_READ_BYTES);
  });

  it('reports a stream cut off mid-record when QEMU stops, with the bytes of the unfinished record', async () => {
    const bytes = encode([begin, ...bench('syscall.null', ITERATIONS), end(1)]);
    const result = await session({ writes: [data(bytes.subarray(0, bytes.length - 7))] });
    expect(result.error?.message).to.match(/QEMU stopped before the payload finished \(exit code 0\); \d+ bytes of an unfinished record/);
    expect(result.stream.complete).to.equal(false);
    expect(result.stream.benchmarks.map((b) => b.metric)).to.deep.equal(['syscall.null']);
  });

  it('says the disk is full when data.bin ends mid-record on a full file system (and not when there is room)', async () => {
    const bytes = encode([begin, ...bench('syscall.null', ITERATIONS), end(1)]);
    const plan: FakeQemuPlan = { writes: [data(bytes.subarray(0, bytes.length - 7))] };
    const full = await session(plan, guest(), { freeBytes: async () => 4096 });
    expect(full.error?.message).to.match(/QEMU stopped before the payload finished \(exit code 0\); \d+ bytes of an unfinished record/);
    expect(full.error?.message).to.include(
      `; the file system of ${full.guestDir} is full (4096 bytes available): QEMU could not write all of data.bin and console.log there`,
    );
    const roomy = await session(plan, guest(), { freeBytes: async () => 10 * 2 ** 30 });
    expect(roomy.error?.message).to.match(/\d+ bytes of an unfinished record/);
    expect(roomy.error?.message).not.to.include('is full');
  });

  it('reads a valid stream far bigger than one read, written all at once before the harness looks', async () => {
    const iterations = 1_000_000;
    const bytes = encode([begin, ...bench('syscall.null', iterations, 1_000_000), end(1)]);
    expect(bytes.length).to.be.above(2 * FILE_TAIL_READ_BYTES);
    // QEMU exits as soon as it is continued: the harness must read on past one slice before taking data.bin as drained.
    const result = await session({ when: 'start', exitDelayMs: 0, writes: [data(bytes)] }, guest({ iterations }));
    expect(result.error).to.equal(undefined);
    expect(result.dataBytes).to.equal(bytes.length);
    expect(result.stream.benchmarks[0]!.samples).to.have.length(iterations);
  });

  const forged: { name: string; records: Spec[]; include?: string[]; message: RegExp; at: number }[] = [
    {
      name: 'a benchmark the config did not ask for',
      include: ['syscall.*'],
      records: [begin, ...bench('syscall.null', ITERATIONS), ...bench('ctxswitch.yield', ITERATIONS), end(2)],
      at: 4,
      message: /expected a metric the config asked for \(syscall\.\*\), got ctxswitch\.yield/,
    },
    {
      name: 'a second STREAM_BEGIN claiming another guest',
      records: [begin, ...bench('syscall.null', ITERATIONS), ['STREAM_BEGIN', fields({ payload: 'hb-sel4 1', guest_os: 'sel4' })], end(1)],
      at: 4,
      message: /expected one STREAM_BEGIN, got a second one/,
    },
    {
      name: 'records after STREAM_END',
      records: [begin, ...bench('syscall.null', ITERATIONS), end(1), ...bench('ctxswitch.yield', ITERATIONS)],
      at: 5,
      message: /expected nothing after STREAM_END, got a BENCH_BEGIN record/,
    },
    {
      name: 'the same metric twice',
      records: [begin, ...bench('syscall.null', ITERATIONS), ...bench('syscall.null', ITERATIONS), end(2)],
      at: 4,
      message: /expected each metric once per stream, got syscall\.null again/,
    },
    {
      name: 'a metric name climbing out of the run directory',
      records: [begin, ...bench('syscall.null', ITERATIONS), ['SKIP', fields({ metric: '../../../escape', reason: 'x' })], end(2)],
      at: 4,
      message: /expected a metric name of dot-separated \[a-z0-9_\] words, got "\.\.\/\.\.\/\.\.\/escape"/,
    },
    {
      name: 'more samples than asked for',
      records: [begin, ...bench('syscall.null', ITERATIONS + 1), end(1)],
      at: 1,
      message: /syscall\.null with the 50 iterations and 0 warm-up the config asked for, got 51 iterations/,
    },
  ];
  for (const c of forged) {
    it(`rejects ${c.name} at its offset, keeping what came before`, async () => {
      const bytes = encode(c.records);
      const result = await session({ writes: [data(bytes)] }, guest(c.include ? { include: c.include } : {}));
      expect(result.error?.phase).to.equal('data');
      expect(result.error?.message).to.match(new RegExp(`failed during data: data channel at byte ${offsetOfRecord(bytes, c.at)}: `));
      expect(result.error?.message).to.match(c.message);
      expect(result.stream.benchmarks.map((b) => b.metric)).to.deep.equal(c.at > 1 ? ['syscall.null'] : []);
      // Files only where the runner puts them.
      expect((await readdir(result.guestDir)).sort()).to.deep.equal(['console.log', 'data.bin']);
    });
  }

  // The limit is CONSOLE_LOG_MAX_BYTES (64 MiB); the unit test gives the session a smaller one, so
  // that it floods 2 MiB rather than 65, and the @host test floods past the real one.
  const floods = [
    { limit: 1024 * 1024, tag: '' },
    { limit: undefined, tag: '@host ' },
  ];
  for (const { limit, tag } of floods) {
    const max = limit ?? CONSOLE_LOG_MAX_BYTES;
    it(`${tag}stops a guest whose console passes ${limit === undefined ? `${CONSOLE_LOG_MAX_BYTES / 2 ** 20} MiB` : `a limit of ${max / 2 ** 20} MiB`} (one line, no newline), keeping its completed benchmarks`, async () => {
      const bytes = encode([begin, ...bench('syscall.null', ITERATIONS), end(1)]);
      const result = await session(
        { writes: [data(bytes), { to: 'console', repeat: 'A', bytes: max + 1024 * 1024 }], then: 'hang' },
        guest(),
        limit === undefined ? {} : { consoleLogMaxBytes: limit },
      );
      expect(result.error?.phase).to.equal('console');
      expect(result.error?.message).to.match(new RegExp(`expected at most ${max} bytes of console output, got \\d+ \\(the guest floods its console`));
      expect(result.error!.consoleTail).to.equal('A'.repeat(2048));
      expect(result.stream.complete).to.equal(true);
      expect(result.stream.benchmarks.map((b) => b.metric)).to.deep.equal(['syscall.null']);
      expect((await stat(join(result.guestDir, 'console.log'))).size).to.be.above(max);
    });
  }
});

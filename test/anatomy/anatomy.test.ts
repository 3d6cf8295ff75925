import { expect } from 'chai';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { runAnatomyBoot, type AnatomyBoot } from '../../harness/anatomy/run.js';
import { instructionsPerWindow, PAIRED_READS, parseAnatomyReport, windowMedian } from '../../harness/anatomy/report.js';
import type { AnatomyCycle, AnatomyDocument, AnatomyMetric } from '../../harness/analysis/anatomy.js';
import { SEL4_BUILD_DIR_ENV } from '../../harness/guests/sel4/adapter.js';
import type { ResultEntry } from '../../harness/analysis/results.generated.js';
import { loadConfig } from '../../harness/config/index.js';
import { adapterFor } from '../../harness/guests/registry.js';
import { runBenchmarks } from '../../harness/runner/run.js';
import { writeTempConfig } from '../support/temp-config.js';

const BENCHMARKS = { iterations: 200, warmup: 20 };

/**
 * The plugin on a real guest: its instructions per window of each benchmark's region against the
 * median of the same benchmark timed without it, under tcg-icount. A window runs from the first
 * timer read to the second, so it holds the reads themselves, which the timer overhead (the
 * smallest back-to-back delta, subtracted from every sample) takes out: plugin = median + overhead.
 * The plugin keeps every window's size, so its median is compared: the mean differs where a few
 * windows hold a timer interrupt. The plugin's boot runs the payload built with the region marks
 * (-DHB_ANATOMY), two instructions more per benchmark outside every window, and under icount that
 * moves the guest's clock: where a benchmark has two common paths (Linux's pipe round trip: 14
 * instructions apart, which one a sample takes depending on the scheduler's clock), the share of
 * each can change. So a benchmark with one path is compared exactly, one with several by asking
 * that the timed median be a window size at least a tenth of the plugin's windows had.
 */
async function compare(guest: Record<string, unknown>, metrics: string[]): Promise<{ boot: AnatomyBoot; timed: Map<string, ResultEntry>; dir: string }> {
  const { dir, file } = await writeTempConfig({
    accel: 'tcg-icount',
    timeouts: { bootSeconds: 300, benchmarkSeconds: 300, shutdownSeconds: 30 },
    bootstrap: { resamples: 200, seed: 1 },
    guests: [{ ...guest, benchmarks: { ...BENCHMARKS, include: metrics } }],
  });
  const config = await loadConfig(file);
  const outcome = await runBenchmarks(config, { emit: () => undefined });
  expect(outcome.failed, JSON.stringify(outcome.failed)).to.deep.equal([]);
  const timed = new Map(outcome.results.map((r) => [r.metric, r]));
  const plugged = join(dir, 'anatomy');
  await mkdir(plugged, { recursive: true });
  const guestConfig = config.guests[0]!;
  const boot = await runAnatomyBoot({ config, guest: guestConfig, adapter: adapterFor(guestConfig), dir: plugged, emit: () => undefined });
  return { boot, timed, dir };
}

/**
 * The one-way IPC benchmarks, where both threads read the timer (four reads a round: client,
 * server, server, client) and a sample spans the first two or the last two.
 */
const cycles: Record<string, AnatomyCycle> = {
  'ipc.oneway.machmsg.thread.same': { reads: 4, open: 0, close: 1 },
  'ipc.oneway.machmsgreply.thread.same': { reads: 4, open: 2, close: 3 },
  'ipc.oneway.sel4call.thread.same': { reads: 4, open: 0, close: 1 },
  'ipc.oneway.sel4reply.thread.same': { reads: 4, open: 2, close: 3 },
};

/**
 * How a benchmark's plugin median may relate to its timed median, which come from two boots:
 * `exact` where both boots run the same instructions; `severalPaths` where one boot's samples take
 * one of a few common paths (the timed median must be one a tenth of the plugin's windows had);
 * `variesBetweenBoots` where the guest's state at the payload's start differs between boots (the disk
 * guest: SSH traffic paced by the host, see docs/guests/linux-disk.md, "Not bit-identical"), so the
 * two medians need only agree within 3%.
 */
interface Agreement {
  severalPaths?: string[];
  variesBetweenBoots?: string[];
}

const BETWEEN_BOOTS_TOLERANCE = 0.03;

function check(boot: AnatomyBoot, timed: Map<string, ResultEntry>, metrics: string[], agreement: Agreement = {}): void {
  expect(boot.report.unbalancedMarks).to.equal(0);
  expect(boot.metrics.map((m) => m.metric)).to.have.members(metrics);
  for (const m of boot.metrics) {
    const t = timed.get(m.metric)!;
    // One window a sample; every sample's cycle of reads (two, four where both threads read) inside the region.
    expect(m.windows, m.metric).to.equal(BENCHMARKS.iterations);
    expect(m.timerReads, m.metric).to.equal(m.cycle!.reads * BENCHMARKS.iterations);
    expect(m.cycle, m.metric).to.deep.equal(cycles[m.metric] ?? PAIRED_READS);
    expect(m.user + m.kernel, m.metric).to.equal(m.instructions);
    // Each block's instructions are what it ran inside the windows, partly run blocks included: they add up exactly.
    expect(
      m.blocks.reduce((sum, b) => sum + b.instructions, 0),
      `${m.metric}: the blocks' instructions`,
    ).to.equal(m.instructions);
    const raw = t.median * t.opsPerSample + t.timerOverhead.subtracted;
    console.log(
      `      ${m.metric}: plugin median ${windowMedian(m)} (mean ${instructionsPerWindow(m)}) per window; timed median ${t.median} + overhead ${t.timerOverhead.subtracted} = ${raw}`,
    );
    const sizes = [...m.windowSizes].sort((a, b) => b[1] - a[1]).slice(0, 6);
    console.log(`      ${m.metric}: commonest window sizes ${sizes.map(([size, count]) => `${size}×${count}`).join(', ')}`);
    if (agreement.severalPaths?.includes(m.metric)) {
      const common = m.windowSizes.filter(([, count]) => count >= m.windows / 10).map(([size]) => size);
      expect(common, `${m.metric}: window sizes of at least a tenth of the windows`).to.include(raw);
    } else if (agreement.variesBetweenBoots?.includes(m.metric)) {
      expect(windowMedian(m), `${m.metric}: within ${BETWEEN_BOOTS_TOLERANCE * 100}% of the other boot's timed median`).to.be.closeTo(
        raw,
        raw * BETWEEN_BOOTS_TOLERANCE,
      );
    } else {
      expect(windowMedian(m), m.metric).to.equal(raw);
    }
    expect(m.kernel, `${m.metric}: kernel instructions`).to.be.greaterThan(0);
  }
}

/** Each metric's top functions, for whoever reads the test's output. */
function showFunctions(boot: AnatomyBoot): void {
  for (const line of boot.symbolSources) console.log(`      symbols: ${line}`);
  for (const m of boot.metrics) {
    const top = (m.functions ?? []).slice(0, 12).map((f) => `${f.symbol} ${((100 * f.instructions) / m.instructions).toFixed(1)}%`);
    console.log(`      ${m.metric}: ${top.join(', ')}`);
  }
}

describe('@guest the anatomy plugin on real guests, against the timed medians (tcg-icount)', function () {
  this.timeout(20 * 60_000);
  const dirs: string[] = [];

  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('Linux: syscall.null and ipc.roundtrip.pipe.thread.same', async () => {
    const metrics = ['syscall.null', 'ipc.roundtrip.pipe.thread.same'];
    const { boot, timed, dir } = await compare({ name: 'linux', os: 'linux', vcpus: 1, pin: [0], memoryMiB: 512 }, metrics);
    dirs.push(dir);
    check(boot, timed, metrics, { severalPaths: ['ipc.roundtrip.pipe.thread.same'] });
    const nullCall = boot.metrics.find((m) => m.metric === 'syscall.null');
    const pipe = boot.metrics.find((m) => m.metric === 'ipc.roundtrip.pipe.thread.same');
    // One getppid per window: one syscall and one sysret. With page-table isolation (Debian's default
    // on a CPU model open to Meltdown, as the Nehalem-class one is) the entry and the exit each write CR3.
    expect(nullCall!.transitions.syscall / nullCall!.windows).to.equal(1);
    expect(nullCall!.transitions.sysret / nullCall!.windows).to.equal(1);
    expect(nullCall!.cr3Writes / nullCall!.windows).to.be.oneOf([0, 2]);
    // write + read on a pipe, between two threads of one process.
    expect(pipe!.transitions.syscall / pipe!.windows).to.be.at.least(2);
    // Named from the -dbg package's System.map at the KASLR offset found from the blocks, and the payload's ELF.
    showFunctions(boot);
    expect(boot.symbolSources[0]).to.match(/^System\.map of linux-image-.*-dbg .*: \d+ functions, KASLR offset 0x[0-9a-f]+ /);
    expect(boot.symbolSources[1]).to.match(/^payload .*: \d+ functions$/);
    const top = (m: AnatomyMetric) => (m.functions ?? []).slice(0, 10).map((f) => f.symbol);
    expect(top(nullCall!)).to.include.members(['entry_SYSCALL_64', 'do_syscall_64', 'syscall_return_via_sysret']);
    expect(nullCall!.functions!.some((f) => f.symbol.startsWith('payload:hb_bench_syscall'))).to.equal(true);
    // A pipe round trip is mostly the scheduler's, but the pipe's own read and write are in its top ten.
    expect(top(pipe!)).to.include.members(['pipe_read', 'pipe_write']);
    expect(pipe!.functions!.map((f) => f.symbol)).to.include('entry_SYSCALL_64');
    for (const m of boot.metrics) {
      const named = m.blocks.filter((b) => b.symbol !== undefined).reduce((n, b) => n + b.instructions, 0);
      const listed = m.blocks.reduce((n, b) => n + b.instructions, 0);
      expect(named / listed, `${m.metric}: share of the listed blocks' instructions with a name`).to.be.greaterThan(0.99);
      expect(
        m.functions!.reduce((n, f) => n + f.instructions, 0),
        `${m.metric}: functions add up to the region`,
      ).to.equal(m.instructions);
    }
  });

  it('Linux on the Debian disk image: syscall.null and sched_yield, with systemd and sshd beside the payload', async () => {
    const metrics = ['syscall.null', 'ctxswitch.yield'];
    const guest = { name: 'linux-disk', os: 'linux', variant: 'disk', deploy: 'ssh', vcpus: 1, pin: [0], memoryMiB: 512 };
    const { boot, timed, dir } = await compare(guest, metrics);
    dirs.push(dir);
    // Only the payload's own timer reads bound the windows (the vDSO's, for the other programs, do not): one window a sample.
    // getppid's path does not depend on the guest's state; sched_yield's scheduler bookkeeping does (4273 and 4332 seen).
    check(boot, timed, metrics, { variesBetweenBoots: ['ctxswitch.yield'] });
    showFunctions(boot);
    expect(boot.symbolSources[0]).to.match(/^System\.map of linux-image-.*-dbg .*: \d+ functions, KASLR offset 0x[0-9a-f]+ /);
    expect((boot.metrics.find((m) => m.metric === 'syscall.null')!.functions ?? []).map((f) => f.symbol)).to.include('entry_SYSCALL_64');
  });

  it('GNU Mach: syscall.null, ipc.roundtrip.machmsg.thread.same and the one-way halves', async () => {
    const metrics = ['syscall.null', 'ipc.roundtrip.machmsg.thread.same', 'ipc.oneway.machmsg.thread.same', 'ipc.oneway.machmsgreply.thread.same'];
    const { boot, timed, dir } = await compare({ name: 'gnumach', os: 'gnumach', vcpus: 1, pin: [0], memoryMiB: 256 }, metrics);
    dirs.push(dir);
    check(boot, timed, metrics);
    // Each trap is one lcall through the call gate.
    const trap = boot.metrics.find((m) => m.metric === 'syscall.null')!;
    expect(trap.transitions.lcall / trap.windows).to.equal(1);
    // A one-way window holds one trap of each side: the client's request (or the server's reply) entering, the other's returning.
    for (const metric of ['ipc.oneway.machmsg.thread.same', 'ipc.oneway.machmsgreply.thread.same']) {
      const half = boot.metrics.find((m) => m.metric === metric)!;
      expect(half.transitions.lcall / half.windows, metric).to.equal(1);
    }
    // Debian's kernel is stripped and its -dbg package is another build (docs/anatomy.md, "Symbols"):
    // the kernel's blocks stay unnamed, the payload's are named, and the boot goes on.
    showFunctions(boot);
    expect(boot.symbolSources[0]).to.match(/-dbg .*: none \(its kernel is another build than the booted one/);
    expect(boot.symbolSources[1]).to.match(/^payload .*: \d+ functions$/);
    expect(trap.functions!.map((f) => f.symbol)).to.include.members(['?kernel', 'payload:hb_bench_syscall_task_self']);
  });

  it("GNU Mach with a kernel of the user's own that keeps its symbols (GNUMACH_SYMBOLS_KERNEL): the trap path by name", async function () {
    const kernel = process.env['GNUMACH_SYMBOLS_KERNEL'];
    if (!kernel) {
      console.log('      (skipped: GNUMACH_SYMBOLS_KERNEL is not set; point it at an unstripped i386 GNU Mach kernel, see docs/anatomy.md, "Symbols")');
      this.skip();
    }
    const metrics = ['syscall.null.invalidtrap', 'ipc.roundtrip.machmsg.thread.same'];
    const { boot, timed, dir } = await compare({ name: 'gnumach', os: 'gnumach', vcpus: 1, pin: [0], memoryMiB: 256, image: { kernel } }, metrics);
    dirs.push(dir);
    check(boot, timed, metrics);
    showFunctions(boot);
    expect(boot.symbolSources[0]).to.match(/\(image\.kernel\): \d+ functions$/);
    // The call gate's entry and the trap table's dispatch; mach_msg_trap on top of the round trip.
    const invalid = boot.metrics.find((m) => m.metric === 'syscall.null.invalidtrap')!;
    expect(invalid.functions!.map((f) => f.symbol)).to.include.members(['syscall', 'mach_call_call']);
    expect(boot.metrics.find((m) => m.metric === 'ipc.roundtrip.machmsg.thread.same')!.functions![0]!.symbol).to.equal('mach_msg_trap');
  });

  it('seL4: the system calls, the round trip and the one-way halves', async function () {
    const buildDir = process.env[SEL4_BUILD_DIR_ENV];
    if (!buildDir) {
      console.log(`      (skipped: ${SEL4_BUILD_DIR_ENV} is not set; point it at a seL4 kernel build directory, see docs/guests/sel4.md)`);
      this.skip();
    }
    const metrics = [
      'syscall.null',
      'syscall.null.nbsendnull',
      'ipc.roundtrip.sel4call.thread.same',
      'ipc.oneway.sel4call.thread.same',
      'ipc.oneway.sel4reply.thread.same',
      'ctxswitch.yield',
    ];
    const { boot, timed, dir } = await compare({ name: 'sel4', os: 'sel4', vcpus: 1, pin: [0], memoryMiB: 512, image: { buildDir } }, metrics);
    dirs.push(dir);
    check(boot, timed, metrics);
    // Every window enters the kernel once per system call in it: one, or two in a round trip and a yield ping-pong.
    const call = boot.metrics.find((m) => m.metric === 'ipc.oneway.sel4call.thread.same')!;
    expect(call.transitions.syscall / call.windows).to.equal(1);
    // Named from the build's kernel.elf and the root task.
    showFunctions(boot);
    expect(boot.symbolSources[0]).to.match(/kernel\.elf.*: \d+ functions$/);
    // The IPC fastpath (inlined into c_handle_syscall) behind the syscall entry; a null syscall's slow path goes through the scheduler.
    expect(call.functions!.slice(0, 2).map((f) => f.symbol)).to.deep.equal(['c_handle_syscall', 'handle_fastsyscall']);
    expect(boot.metrics.find((m) => m.metric === 'syscall.null')!.functions!.map((f) => f.symbol)).to.include.members(['slowpath', 'schedule']);
  });

  it('`anatomy: true`: one more boot after the timed ones, its JSON in the run directory, the figures unchanged', async () => {
    const metrics = ['syscall.null'];
    const guest = { name: 'gnumach', os: 'gnumach', vcpus: 1, pin: [0], memoryMiB: 256 };
    const { dir, file } = await writeTempConfig({
      accel: 'tcg-icount',
      timeouts: { bootSeconds: 300, benchmarkSeconds: 300, shutdownSeconds: 30 },
      bootstrap: { resamples: 200, seed: 1 },
      guests: [{ ...guest, anatomy: true, benchmarks: { ...BENCHMARKS, include: metrics } }],
    });
    dirs.push(dir);
    const outcome = await runBenchmarks(await loadConfig(file), { emit: () => undefined });
    expect(outcome.failed, JSON.stringify(outcome.failed)).to.deep.equal([]);
    expect(outcome.results.map((r) => [r.metric, r.median])).to.deep.equal([['syscall.null', 430]]);
    const report = parseAnatomyReport(await readFile(join(outcome.runDir, 'guests', 'gnumach', 'anatomy-boot', 'anatomy.json'), 'utf8'));
    expect(report.regions).to.have.length(1);
    const doc = JSON.parse(await readFile(join(outcome.runDir, 'guests', 'gnumach', 'anatomy.json'), 'utf8')) as AnatomyDocument;
    expect([doc.format, doc.guest, doc.os]).to.deep.equal(['harness-anatomy/1', 'gnumach', 'gnumach']);
    expect(doc.metrics.map((m) => [m.metric, windowMedian(m)])).to.deep.equal([['syscall.null', 430 + 7]]);
    expect(doc.symbolSources).to.have.length(2);
    expect(doc.metrics[0]!.functions?.length).to.be.greaterThan(0);
  });
});

import { expect } from 'chai';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../../harness/config/index.js';
import { regenerateRunFiles } from '../../harness/report/regenerate.js';
import { contentText } from '../../harness/report/run-file-content.js';
import { gnumachAdapter } from '../../harness/guests/gnumach/adapter.js';
import { runBenchmarks, type RunOutcome } from '../../harness/runner/run.js';
import { writeTempConfig } from '../support/temp-config.js';

const BENCHMARKS = { iterations: 200, warmup: 20, include: ['*'] };

async function run(guests: Record<string, unknown>[], accel: 'tcg-icount' | 'tcg' = 'tcg-icount'): Promise<{ outcome: RunOutcome; dir: string }> {
  const { dir, file } = await writeTempConfig({
    accel,
    timeouts: { bootSeconds: 120, benchmarkSeconds: 120, shutdownSeconds: 30 },
    bootstrap: { resamples: 500, seed: 7 },
    guests,
  });
  return { outcome: await runBenchmarks(await loadConfig(file), { emit: () => undefined }), dir };
}

const gnumachGuest = { name: 'gnumach', os: 'gnumach', vcpus: 1, pin: [0], memoryMiB: 256, benchmarks: BENCHMARKS };

// Debian's i386 GNU Mach kernel is downloaded into the checkout's cache on first use, so this runs
// on any machine that reaches Debian's mirrors: no image has to be given.
describe('@guest GNU Mach guest under QEMU', function () {
  this.timeout(15 * 60_000);
  const dirs: string[] = [];

  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  describe('tcg-icount, run twice', () => {
    let first: RunOutcome;
    let second: RunOutcome;
    before(async () => {
      const a = await run([gnumachGuest]);
      const b = await run([gnumachGuest]);
      dirs.push(a.dir, b.dir);
      first = a.outcome;
      second = b.outcome;
    });

    it('completes with the system call, IPC, context switch and page fault figures', () => {
      expect(first.failed, JSON.stringify(first.failed)).to.deep.equal([]);
      expect(first.complete).to.equal(true);
      // Every benchmark the adapter lists (the payload's table: test/guests/benchmarks.test.ts) gives a figure.
      expect(first.results.map((r) => r.metric)).to.have.members([...gnumachAdapter.benchmarks]);
      for (const r of first.results) {
        expect(r).to.include({ os: 'gnumach', unit: 'guest-instructions' });
        expect(r.n + r.settling.dropped).to.equal(200);
      }
    });

    it('gives identical medians and bit-identical raw data on a second run', async () => {
      const medians = (o: RunOutcome) => Object.fromEntries(o.results.map((r) => [r.metric, r.median]));
      expect(medians(second)).to.deep.equal(medians(first));
      const data = (o: RunOutcome) => readFile(join(o.runDir, 'guests', 'gnumach', 'boot-1', 'data.bin'));
      expect((await data(second)).equals(await data(first))).to.equal(true);
    });

    it('measures a mach_msg RPC round trip of thousands of guest instructions, and a cheaper null trap', () => {
      const figure = (metric: string) => first.results.find((r) => r.metric === metric)!;
      const roundTrip = figure('ipc.roundtrip.machmsg.thread.same');
      expect(roundTrip.median).to.be.within(1000, 10_000);
      expect(roundTrip.mechanism).to.match(/mach_msg RPC/);
      expect(figure('ipc.roundtrip.machmsg.process.same').median).to.be.within(1000, 10_000);
      expect(figure('syscall.null').median).to.be.within(100, 1000);
      expect(figure('syscall.null').mechanism).to.match(/^mach_task_self trap/);
      // The bare trap path (kern_invalid) is far below mach_task_self's port-right work.
      expect(figure('syscall.null.invalidtrap').median).to.be.within(10, figure('syscall.null').median / 2);
      expect(figure('ctxswitch.handoff').median).to.be.within(200, 5000);
      // A zero-fill fault: the trap, vm_fault, a page zeroed and entered in the page table.
      expect(figure('pagefault.anon').median).to.be.within(1000, 50_000);
      expect(figure('pagefault.anon').mechanism).to.match(/vm_allocate/);
      // The one-way halves add up to about the round trip (each also reads the timer once more).
      const halves = figure('ipc.oneway.machmsg.thread.same').median + figure('ipc.oneway.machmsgreply.thread.same').median;
      expect(halves / roundTrip.median).to.be.within(0.9, 1.2);
    });

    it('records the Debian package, the kernel it reported and the boot script in the manifest', async () => {
      const manifest = JSON.parse(await readFile(join(first.runDir, 'manifest.json'), 'utf8'));
      const guest = manifest.guests[0];
      expect(guest.provenance).to.include({ kernelPackage: 'gnumach-image-1.8-486:i386' });
      expect(guest.provenance.kernelPackageVersion).to.match(/^2:1\.8/);
      expect(guest.provenance.kernelPackageSha256).to.match(/^[0-9a-f]{64}$/);
      expect(guest.provenance.payloadCflags).to.contain('-m32').and.to.contain('-nostdinc');
      const [boot] = guest.boots;
      expect(boot.guestInfo.kernel).to.match(/^GNU Mach 1\.8/);
      expect(boot.argv[0]).to.equal('qemu-system-x86_64');
      expect(boot.argv.join(' ')).to.contain('${host-port} ${device-port} $(task-create) $(task-resume)').and.to.contain('console=com0');
    });
  });

  it('runs under plain TCG too, in emulator ticks', async () => {
    const { outcome, dir } = await run([{ ...gnumachGuest, benchmarks: { iterations: 100, warmup: 10, include: ['syscall.null', 'ipc.roundtrip.*'] } }], 'tcg');
    dirs.push(dir);
    expect(outcome.failed, JSON.stringify(outcome.failed)).to.deep.equal([]);
    expect(outcome.results.map((r) => r.metric)).to.have.members(['syscall.null', 'ipc.roundtrip.machmsg.thread.same', 'ipc.roundtrip.machmsg.process.same']);
    for (const r of outcome.results) expect(r.unit).to.equal('emulator-ticks');
  });

  it('puts Linux and GNU Mach side by side in one report', async () => {
    const include = ['syscall.null', 'ipc.roundtrip.*.thread.same'];
    const linux = { name: 'linux', os: 'linux', vcpus: 1, pin: [0], memoryMiB: 256, benchmarks: { ...BENCHMARKS, include } };
    const { outcome, dir } = await run([linux, { ...gnumachGuest, benchmarks: { ...BENCHMARKS, include } }]);
    dirs.push(dir);
    expect(outcome.failed, JSON.stringify(outcome.failed)).to.deep.equal([]);
    expect(outcome.results.filter((r) => r.guest === 'gnumach').map((r) => r.metric)).to.have.members(['syscall.null', 'ipc.roundtrip.machmsg.thread.same']);
    const report = await readFile(join(outcome.runDir, 'report.md'), 'utf8');
    expect(report).to.contain('## linux').and.to.contain('## gnumach');
    expect(report).to.contain('### Null system call (guest-instructions)').and.to.contain('### IPC round trip (guest-instructions)');
    expect(report).to.match(/^\| gnumach \| mach_msg RPC[^|]* \| threads, same CPU \|/m);
    const files = await regenerateRunFiles(outcome.runDir);
    for (const file of files) expect(contentText(file.content) === (await readFile(join(outcome.runDir, file.name), 'utf8')), file.name).to.equal(true);
  });
});

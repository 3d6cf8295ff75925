import { expect } from 'chai';
import { peerCrossCheck } from '../../harness/report/markdown.js';
import { parsePerfBench, peerResults, ticksPerMicrosecond } from '../../harness/analysis/peers.js';
import type { RawBoot } from '../../harness/analysis/results.js';
import { timerFacts } from '../../harness/analysis/timer.js';
import type { GuestStream, PeerRun } from '../../harness/wire/stream.js';
import { resultEntry } from '../support/result-entry.js';

// perf 6.1's output, as `perf bench sched pipe -l 10000` and `perf bench syscall basic -l 100000` print it.
const SCHED_PIPE = [
  "# Running 'sched/pipe' benchmark:",
  '# Executed 10000 pipe operations between two processes',
  '',
  '     Total time: 0.073 [sec]',
  '',
  '       7.308700 usecs/op',
  '         136823 ops/sec',
  '',
].join('\n');
const SYSCALL_BASIC_JOINED =
  "# Running 'syscall/basic' benchmark: | # Executed 100000 getppid() calls | Total time: 0.032 [sec] | 0.329280 usecs/op | 3036929 ops/sec";

function run(bench: string, compareWith: string, output: string, extra: Partial<PeerRun> = {}): PeerRun {
  return { peer: 'perf', bench, compareWith, command: `perf bench ${bench}`, loops: 100000, vcpus: '0', affinity: '0', exit: '0', output, ...extra };
}

function boot(
  n: number,
  peers: PeerRun[],
  info: Record<string, string> = { clock_check_ns: '50000174', clock_check_ticks: '50000174', tsc_hz: '1000000000', tsc_hz_source: 'kernel' },
): RawBoot {
  const stream: GuestStream = { info, benchmarks: [], skipped: [], failed: [], peers, complete: true };
  return { boot: n, stream };
}

describe('perf bench output', () => {
  it('parses the default format as perf prints it', () => {
    expect(parsePerfBench(SCHED_PIPE)).to.deep.equal({ usecsPerOp: 7.3087, opsPerSec: 136823, totalSeconds: 0.073, executed: 10000 });
  });

  it('parses the lines as the payload joins them', () => {
    expect(parsePerfBench(SYSCALL_BASIC_JOINED)).to.deep.equal({ usecsPerOp: 0.32928, opsPerSec: 3036929, totalSeconds: 0.032, executed: 100000 });
  });

  it("takes thousands separators in ops/sec (perf's %'d in a non-C locale)", () => {
    expect(parsePerfBench('0.186500 usecs/op | 5,361,930 ops/sec')).to.deep.include({ usecsPerOp: 0.1865, opsPerSec: 5361930 });
  });

  it('says why when there is no figure', () => {
    expect(parsePerfBench('hb-payload: execve /usr/bin/perf: No such file or directory'))
      .to.have.property('reason')
      .that.matches(/no "usecs\/op" line/);
    expect(parsePerfBench('Total time: 0.000 [sec] | 0.000000 usecs/op | -2147483648 ops/sec'))
      .to.have.property('reason')
      .that.matches(/too few loops/);
  });
});

describe('converting perf microseconds to our unit', () => {
  it("uses the payload's clock check when there is one: exactly 1000 instructions per us under tcg-icount", () => {
    const facts = timerFacts({ clock_check_ns: '50000174', clock_check_ticks: '50000174', tsc_hz: '1000000000' });
    expect(ticksPerMicrosecond('tcg-icount', facts)).to.deep.include({ ticksPerUs: 1000 });
  });

  it('uses the clock check under kvm too (TSC ticks per us of the guest clock)', () => {
    const facts = timerFacts({ clock_check_ns: '50000000', clock_check_ticks: '129800000', tsc_hz: '2596000000' });
    expect((ticksPerMicrosecond('kvm', facts) as { ticksPerUs: number }).ticksPerUs).to.be.closeTo(2596, 1e-9);
  });

  it('falls back to one instruction per ns under tcg-icount, the TSC frequency otherwise', () => {
    expect(ticksPerMicrosecond('tcg-icount', timerFacts({}))).to.deep.include({ ticksPerUs: 1000 });
    expect(ticksPerMicrosecond('kvm', timerFacts({ tsc_hz: '2596146000', tsc_hz_source: 'cpuid' }))).to.deep.include({ ticksPerUs: 2596.146 });
    expect(ticksPerMicrosecond('tcg', timerFacts({}))).to.have.property('reason');
  });
});

describe('peer results', () => {
  const ours = [resultEntry('linux', 'ipc.roundtrip.pipe.process.same', 10684), resultEntry('linux', 'syscall.null', 335)];

  it('sets each perf figure, in our unit, beside ours with the ratio ours / perf', () => {
    const [pipe, syscall] = peerResults(
      'linux',
      'linux',
      'tcg-icount',
      [boot(1, [run('sched-pipe', 'ipc.roundtrip.pipe.process.same', SCHED_PIPE), run('syscall-basic', 'syscall.null', SYSCALL_BASIC_JOINED)])],
      ours,
    );
    expect(pipe).to.deep.include({ peer: 'perf', bench: 'sched-pipe', unit: 'guest-instructions', perOp: 7308.7, ourMedian: 10684 });
    expect(pipe!.ratio).to.be.closeTo(10684 / 7308.7, 1e-12);
    expect(pipe!.reason).to.equal(undefined);
    expect(pipe!.conversion).to.match(/^1000 ticks per µs, from the payload's clock check/);
    expect(pipe!.boots).to.deep.equal([
      { boot: 1, loops: 100000, exit: '0', raw: SCHED_PIPE, ticksPerUs: 1000, usecsPerOp: 7.3087, perOp: 7308.7, totalSeconds: 0.073, opsPerSec: 136823 },
    ]);
    expect(syscall!.perOp).to.be.closeTo(329.28, 1e-9);
    expect(syscall!.ratio).to.be.closeTo(335 / 329.28, 1e-12);
  });

  it('takes the median over boots, each converted with its own clock check', () => {
    const kvm = (ticks: string) => ({ clock_check_ns: '1000000', clock_check_ticks: ticks, tsc_hz: '0' });
    const boots = [
      boot(1, [run('syscall-basic', 'syscall.null', '0.1 usecs/op')], kvm('2000000')),
      boot(2, [run('syscall-basic', 'syscall.null', '0.2 usecs/op')], kvm('2000000')),
      boot(3, [run('syscall-basic', 'syscall.null', '0.1 usecs/op')], kvm('3000000')),
    ];
    const [entry] = peerResults('linux', 'linux', 'kvm', boots, [resultEntry('linux', 'syscall.null', 600, { unit: 'tsc-ticks' })]);
    expect(entry!.boots.map((b) => b.perOp)).to.deep.equal([200, 400, 300]);
    expect(entry!.perOp).to.equal(300);
    expect(entry!.ratio).to.equal(2);
  });

  it('reports a perf that failed, and a metric of ours that was not measured, with reasons and no ratio', () => {
    const failed = run('sched-pipe', 'ipc.roundtrip.pipe.process.same', 'hb-payload: execve /usr/bin/perf: No such file or directory', {
      exit: '127',
      reason: 'perf exited with 127',
    });
    const [pipe, syscall] = peerResults(
      'linux',
      'linux',
      'tcg-icount',
      [boot(1, [failed, run('syscall-basic', 'syscall.null', SYSCALL_BASIC_JOINED)])],
      [ours[0]!],
    );
    expect(pipe).to.deep.include({ perOp: null, ratio: null, ourMedian: 10684, reason: 'perf exited with 127' });
    expect(pipe!.boots[0]).to.deep.include({ usecsPerOp: null, perOp: null, exit: '127' });
    expect(syscall).to.deep.include({ ourMedian: null, ratio: null, reason: 'syscall.null was not measured in this run' });
    expect(syscall!.perOp).to.be.closeTo(329.28, 1e-9);
  });

  it('is empty without PEER records', () => {
    expect(peerResults('linux', 'linux', 'kvm', [boot(1, [])], ours)).to.deep.equal([]);
  });

  it('renders a "Peer cross-check" section in report.md, left out when there is nothing', () => {
    const peers = peerResults('linux', 'linux', 'tcg-icount', [boot(1, [run('syscall-basic', 'syscall.null', SYSCALL_BASIC_JOINED)])], ours);
    const text = peerCrossCheck(peers).join('\n');
    expect(text).to.contain('## Peer cross-check');
    expect(text).to.contain(
      '| linux | perf syscall-basic | syscall.null | 329.3 guest-instructions | 335 guest-instructions | 1.017 | 0.32928 usecs/op (100000 loops) |',
    );
    expect(text).to.contain('- Conversion, linux: 1000 ticks per µs');
    expect(peerCrossCheck([])).to.deep.equal([]);
  });
});

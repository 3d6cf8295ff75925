import { expect } from 'chai';
import { clock, RunProgress, statusLine } from '../../../harness/cli/progress/status.js';
import type { RunEvent } from '../../../harness/lifecycle/events.js';
import { linuxRunEvents } from './fakes.js';

/** The status line after each event, `stepMs` apart. */
function linesAfterEach(events: RunEvent[], stepMs = 1000): (string | undefined)[] {
  const progress = new RunProgress(0);
  return events.map((event, i) => {
    progress.apply(event, i * stepMs);
    return statusLine(progress, i * stepMs + 500);
  });
}

describe('run progress status line', () => {
  it('names the guest, boot, phase, benchmark and samples, with the phase clock and the run clock', () => {
    expect(linesAfterEach(linuxRunEvents())).to.deep.equal([
      undefined, // run-start
      undefined, // accel-chosen
      '[linux] preparing image: linux: building payload · 00:02',
      '[linux] boot 1/1 · starting QEMU (00:00) · 00:03',
      '[linux] boot 1/1 · booting, waiting for the payload (00:00) · 00:04',
      '[linux] boot 1/1 · payload started, waiting for its first benchmark (00:00) · 00:05',
      '[linux] boot 1/1 · #1 syscall.null · measuring 10 samples (00:00) · 00:06',
      '[linux] boot 1/1 · #1 syscall.null · 6/10 samples · 00:07',
      '[linux] boot 1/1 · #1 syscall.null · 10/10 samples · 00:08',
      '[linux] boot 1/1 · 1 benchmark(s) done, waiting for the next (00:00) · 00:09',
      '[linux] boot 1/1 · 2 benchmark(s) done, waiting for the next (00:00) · 00:10',
      '[linux] boot 1/1 · payload done, shutting down (00:00) · 00:11',
      undefined, // guest-done
      undefined, // run-done
    ]);
  });

  it('counts how long a benchmark has been measuring, since its BENCH_BEGIN', () => {
    const progress = new RunProgress(0);
    progress.apply({ type: 'guest-booting', guest: 'l', boot: 2, boots: 3, argv: [], vcpus: 1 }, 0);
    progress.apply({ type: 'benchmark-begin', guest: 'l', boot: 2, metric: 'ctxswitch.yield', iterations: 10000 }, 5_000);
    expect(statusLine(progress, 17_400)).to.equal('[l] boot 2/3 · #1 ctxswitch.yield · measuring 10000 samples (00:12) · 00:17');
  });

  it('starts the benchmark count again on each boot', () => {
    const progress = new RunProgress(0);
    const begin = (boot: number): RunEvent => ({ type: 'benchmark-begin', guest: 'l', boot, metric: 'syscall.null', iterations: 5 });
    progress.apply({ type: 'guest-booting', guest: 'l', boot: 1, boots: 2, argv: [], vcpus: 1 }, 0);
    progress.apply(begin(1), 0);
    progress.apply({ type: 'guest-done', guest: 'l', boot: 1, seconds: 1 }, 0);
    progress.apply({ type: 'guest-booting', guest: 'l', boot: 2, boots: 2, argv: [], vcpus: 1 }, 0);
    progress.apply(begin(2), 0);
    expect(statusLine(progress, 0)).to.match(/^\[l\] boot 2\/2 · #1 syscall\.null/);
  });

  it('shows nothing once a guest has failed or was skipped', () => {
    const progress = new RunProgress(0);
    progress.apply({ type: 'guest-preparing', guest: 'm', message: 'building' }, 0);
    progress.apply({ type: 'guest-failed', guest: 'm', error: new Error('no compiler') }, 0);
    expect(statusLine(progress, 0)).to.equal(undefined);
  });

  it('writes clocks as mm:ss, and h:mm:ss from an hour', () => {
    expect([clock(0), clock(999), clock(61_000), clock(3_600_000 + 62_000)]).to.deep.equal(['00:00', '00:00', '01:01', '1:01:02']);
  });
});

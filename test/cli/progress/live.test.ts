import { expect } from 'chai';
import { createLiveReporter, fitWidth } from '../../../harness/cli/progress/live.js';
import type { Reporter } from '../../../harness/cli/progress/reporter.js';
import type { RunEvent } from '../../../harness/lifecycle/events.js';
import { resultEntry } from '../../support/result-entry.js';
import { FakeOutput, FakeTime, linuxRunEvents } from './fakes.js';

const ERASE = '\r\x1b[2K';

describe('live progress reporter (terminal)', () => {
  let time: FakeTime;
  let stderr: FakeOutput;
  let stdout: FakeOutput;
  let reporter: Reporter;
  const events = linuxRunEvents();
  const byType = (type: RunEvent['type'], nth = 0) => events.filter((e) => e.type === type)[nth]!;

  beforeEach(() => {
    time = new FakeTime();
    stderr = new FakeOutput(true, 120);
    stdout = new FakeOutput(true, 120);
    reporter = createLiveReporter({ stdout, stderr }, { now: time.clock, schedule: time.schedule });
  });

  /** Every event, `stepMs` apart, then the end of the run. */
  const playAll = (stepMs: number) => {
    for (const event of events) {
      reporter.event(event);
      time.advance(stepMs);
    }
  };

  it('keeps lasting events as lines and redraws the status line below them', () => {
    for (const event of events.slice(0, 8)) {
      reporter.event(event);
      time.advance(1000);
    }
    expect(stderr.screen()).to.deep.equal([
      'run r1: 1 guest(s) -> /results/r1',
      'accelerator: tcg-icount (asked for)',
      '[linux] linux: building payload',
      '[linux] payload started (kernel 6.1.0)',
      '[linux] boot 1/1 · #1 syscall.null · 6/10 samples · 00:08',
    ]);
  });

  it('prints a warning above the status line and draws the status line again below it', () => {
    for (const event of events.slice(0, 7)) reporter.event(event);
    time.advance(2000);
    reporter.event({ type: 'host-warning', guest: 'linux', warning: 'CPU 0 governor is powersave' });
    time.advance(100);
    expect(stderr.screen().slice(-2)).to.deep.equal([
      '[linux] host: CPU 0 governor is powersave',
      '[linux] boot 1/1 · #1 syscall.null · measuring 10 samples (00:02) · 00:02',
    ]);
  });

  it('redraws at most once per 100 ms, then shows the latest state', () => {
    for (const event of events.slice(0, 7)) reporter.event(event);
    time.advance(500);
    const before = stderr.writes.length;
    for (let received = 1; received <= 10; received++) {
      reporter.event({ type: 'benchmark-progress', guest: 'linux', boot: 1, metric: 'syscall.null', received, expected: 10 });
      time.advance(5);
    }
    // Ten events in 50 ms: the first drew at once, the rest wait for the throttle.
    expect(stderr.writes.slice(before)).to.deep.equal([`${ERASE}[linux] boot 1/1 · #1 syscall.null · 1/10 samples · 00:00`]);
    time.advance(49);
    expect(stderr.writes.slice(before)).to.have.length(1);
    time.advance(1);
    expect(stderr.writes.slice(before)).to.deep.equal([
      `${ERASE}[linux] boot 1/1 · #1 syscall.null · 1/10 samples · 00:00`,
      `${ERASE}[linux] boot 1/1 · #1 syscall.null · 10/10 samples · 00:00`,
    ]);
  });

  it('moves the clocks once a second when no event comes', () => {
    for (const event of events.slice(0, 7)) reporter.event(event);
    time.advance(3500);
    const statusWrites = stderr.writes.filter((w) => w.includes('measuring'));
    expect(statusWrites.map((w) => w.replace(ERASE, ''))).to.deep.equal([
      '[linux] boot 1/1 · #1 syscall.null · measuring 10 samples (00:00) · 00:00',
      '[linux] boot 1/1 · #1 syscall.null · measuring 10 samples (00:01) · 00:01',
      '[linux] boot 1/1 · #1 syscall.null · measuring 10 samples (00:02) · 00:02',
      '[linux] boot 1/1 · #1 syscall.null · measuring 10 samples (00:03) · 00:03',
    ]);
  });

  it('clears the status line at the end, then prints the summary on stdout, and leaves no timer behind', () => {
    playAll(50);
    reporter.event(byType('benchmark-begin')); // so that a status line is up when the run finishes
    reporter.finish({
      runId: 'r1',
      runDir: '/results/r1',
      complete: true,
      results: [resultEntry('linux', 'syscall.null', 120)],
      skipped: [],
      failed: [],
      peers: [],
    });
    const screen = stderr.screen();
    expect(screen.at(-1)).to.equal('');
    expect(screen).to.include('[linux] syscall.null: 10 samples').and.to.include('[linux] done in 41.5 s').and.to.include('run complete: /results/r1');
    expect(screen.join('\n')).not.to.contain('·');
    expect(time.pending).to.equal(0);
    expect(stdout.text)
      .to.match(/^guest +metric +unit/)
      .and.to.match(/^linux +syscall\.null +guest-instructions +3 +120 +\[120, 121\]$/m)
      .and.to.contain('run directory: /results/r1\n');
  });

  it('on abort clears the status line and prints nothing more', () => {
    for (const event of events.slice(0, 5)) reporter.event(event);
    reporter.abort(new Error('interrupted'));
    expect(stderr.screen().at(-1)).to.equal('');
    expect(stdout.text).to.equal('');
    expect(time.pending).to.equal(0);
  });

  it('cuts the status line to the terminal width so it never wraps', () => {
    stderr = new FakeOutput(true, 30);
    reporter = createLiveReporter({ stdout, stderr }, { now: time.clock, schedule: time.schedule });
    for (const event of events.slice(0, 7)) reporter.event(event);
    time.advance(100);
    const last = stderr.screen().at(-1)!;
    expect(last).to.equal('[linux] boot 1/1 · #1 syscal…');
    expect(last.length).to.be.below(30);
    expect(fitWidth('short', 30)).to.equal('short');
    expect(fitWidth('no terminal width known', undefined)).to.equal('no terminal width known');
  });
});

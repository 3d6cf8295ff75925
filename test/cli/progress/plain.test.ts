import { expect } from 'chai';
import { createPlainReporter } from '../../../harness/cli/progress/plain.js';
import { FakeOutput, linuxRunEvents } from './fakes.js';

describe('plain progress reporter (not a terminal)', () => {
  it('writes one line per event on stderr, no sample counts and no terminal control', () => {
    const stderr = new FakeOutput();
    const stdout = new FakeOutput();
    const reporter = createPlainReporter({ stdout, stderr });
    for (const event of linuxRunEvents()) reporter.event(event);
    expect(stderr.text.split('\n')).to.deep.equal([
      'run r1: 1 guest(s) -> /results/r1',
      'accelerator: tcg-icount (asked for)',
      '[linux] linux: building payload',
      '[linux] boot 1/1: booting with 1 vCPU(s)',
      '[linux] vCPU threads: vCPU0=tid 42 on CPU 0',
      '[linux] payload started (kernel 6.1.0)',
      '[linux] syscall.null ...',
      '[linux] syscall.null: 10 samples',
      '[linux] ipc.roundtrip.pipe.thread.cross skipped: needs 2 vCPUs',
      '[linux] payload done, shutting down',
      '[linux] done in 41.5 s',
      'run complete: /results/r1',
      '',
    ]);
    expect(stderr.text).not.to.contain('\x1b');
    expect(stdout.text).to.equal('');
  });

  it('prints the summary on stdout at the end', () => {
    const stdout = new FakeOutput();
    const reporter = createPlainReporter({ stdout, stderr: new FakeOutput() });
    reporter.finish({
      runId: 'r1',
      runDir: '/results/r1',
      complete: false,
      results: [],
      peers: [],
      skipped: [{ guest: 'sel4', reason: 'no build', howTo: 'see docs' }],
      failed: [{ guest: 'linux', metric: 'syscall.null', reason: 'ERROR record\nmore' }],
    });
    expect(stdout.text).to.equal('skipped sel4: no build; see docs\nFAILED linux syscall.null: ERROR record\nrun directory: /results/r1\n');
  });
});

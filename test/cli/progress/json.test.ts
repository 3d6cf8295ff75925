import { expect } from 'chai';
import { createJsonReporter, errorJson, eventJson } from '../../../harness/cli/progress/json.js';
import { GuestRunError } from '../../../harness/session/errors.js';
import { resultEntry } from '../../support/result-entry.js';
import { FakeOutput, linuxRunEvents, rawBenchmark } from './fakes.js';

const T0 = Date.parse('2026-01-02T03:04:05.000Z');

describe('JSON progress reporter (--json)', () => {
  it('writes each event as one JSON object per line, with its type and time first', () => {
    const stdout = new FakeOutput();
    const reporter = createJsonReporter(stdout, () => T0);
    const events = linuxRunEvents();
    for (const event of events) reporter.event(event);
    const lines = stdout.text.trimEnd().split('\n');
    expect(lines).to.have.length(events.length);
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(parsed.map((p) => p.type)).to.deep.equal(events.map((e) => e.type));
    for (const p of parsed) expect(Object.keys(p).slice(0, 2)).to.deep.equal(['type', 'time']);
    expect(parsed[7]).to.deep.equal({
      type: 'benchmark-progress',
      time: '2026-01-02T03:04:05.000Z',
      guest: 'linux',
      boot: 1,
      metric: 'syscall.null',
      received: 6,
      expected: 10,
    });
  });

  it('gives a finished benchmark its sample count instead of the samples', () => {
    const json = eventJson({ type: 'benchmark-end', guest: 'l', boot: 1, benchmark: rawBenchmark('syscall.null', 5000) }, new Date(T0));
    const benchmark = json.benchmark as Record<string, unknown>;
    expect(benchmark).to.include({ metric: 'syscall.null', iterations: 5000, sampleCount: 5000, timerOverhead: 20 });
    expect(benchmark).not.to.have.property('samples');
    expect(JSON.stringify(json).length).to.be.below(400);
  });

  it('writes errors with message, own fields and the cause chain, not as {}', () => {
    const cause = Object.assign(new Error('connect ENOENT /tmp/qmp.sock'), { code: 'ENOENT' });
    const error = new GuestRunError('linux', 'start', 'QEMU exited', 'tail text', { cause: new Error('monitor gone', { cause }) });
    const json = JSON.parse(JSON.stringify(eventJson({ type: 'guest-failed', guest: 'linux', boot: 1, error }, new Date(T0))));
    expect(json.error).to.deep.equal({
      name: 'GuestRunError',
      message: error.message,
      guest: 'linux',
      phase: 'start',
      consoleTail: 'tail text',
      cause: { name: 'Error', message: 'monitor gone', cause: { name: 'Error', message: 'connect ENOENT /tmp/qmp.sock', code: 'ENOENT' } },
    });
    expect(errorJson('a string thrown')).to.deep.equal({ message: 'a string thrown' });
  });

  it('ends with a summary line instead of the table, or an error line', () => {
    const stdout = new FakeOutput();
    const reporter = createJsonReporter(stdout, () => T0);
    reporter.finish({
      runId: 'r1',
      runDir: '/results/r1',
      complete: true,
      peers: [],
      failed: [],
      results: [resultEntry('linux', 'syscall.null', 120, { caveat: 'instructions, not time' })],
      skipped: [{ guest: 'sel4', reason: 'no build' }],
    });
    reporter.abort(new Error('bad config', { cause: new Error('line 3') }));
    const [summary, error] = stdout.text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(summary).to.deep.equal({
      type: 'summary',
      time: '2026-01-02T03:04:05.000Z',
      runId: 'r1',
      runDir: '/results/r1',
      complete: true,
      results: [{ guest: 'linux', metric: 'syscall.null', unit: 'guest-instructions', n: 3, median: 120, ci95: [120, 121], caveat: 'instructions, not time' }],
      skipped: [{ guest: 'sel4', reason: 'no build' }],
      failed: [],
    });
    expect(error).to.deep.equal({
      type: 'error',
      time: '2026-01-02T03:04:05.000Z',
      error: { name: 'Error', message: 'bad config', cause: { name: 'Error', message: 'line 3' } },
    });
  });
});

import { expect } from 'chai';
import { describeTimeline, timeline, type TimelineEvent } from '../../../scripts/bench/timeline.js';

const t = (second: number) => new Date(Date.UTC(2026, 11, 7, 12, 0, second)).toISOString();
const event = (second: number, type: string, extra: Partial<TimelineEvent> = {}): TimelineEvent => ({ type, time: t(second), ...extra });
const ofBoot = (guest: string, boot: number) => ({ guest, boot });

describe('the bench timeline of a run', () => {
  const events: TimelineEvent[] = [
    event(0, 'run-start'),
    event(2, 'guest-booting', ofBoot('linux', 1)),
    event(7, 'guest-started', ofBoot('linux', 1)),
    // A benchmark in three records: 2 s for the 2000 samples after the first record.
    event(9, 'benchmark-progress', { ...ofBoot('linux', 1), metric: 'syscall.null', received: 1000 }),
    event(10, 'benchmark-progress', { ...ofBoot('linux', 1), metric: 'syscall.null', received: 2000 }),
    event(11, 'benchmark-progress', { ...ofBoot('linux', 1), metric: 'syscall.null', received: 3000 }),
    // One record only: no rate from it.
    event(12, 'benchmark-progress', { ...ofBoot('linux', 1), metric: 'ctxswitch.yield', received: 500 }),
    event(14, 'guest-done', ofBoot('linux', 1)),
    event(15, 'guest-booting', ofBoot('gnumach', 1)),
    event(16, 'guest-started', ofBoot('gnumach', 1)),
    event(18, 'guest-done', ofBoot('gnumach', 1)),
    event(20, 'run-done'),
  ];

  it('takes QEMU start to first record, QEMU time and the channel rate per boot, and the host share per run', () => {
    const result = timeline(events);
    expect(result.wall).to.equal(20);
    expect(result.boots).to.deep.equal([
      { guest: 'linux', boot: 1, toFirstRecord: 5, qemu: 12, channel: { samples: 2000, seconds: 2 } },
      { guest: 'gnumach', boot: 1, toFirstRecord: 1, qemu: 3, channel: { samples: 0, seconds: 0 } },
    ]);
    const text = describeTimeline('all.yaml', result);
    expect(text).to.contain('1000 samples/s over 2000 samples');
    expect(text).to.contain("all.yaml: wall 20.0 s, guests' QEMU time 15.0 s, host 5.0 s (33.3% of the QEMU time)");
  });

  it('leaves out what a boot that never started has no events for', () => {
    const result = timeline([event(0, 'guest-booting', ofBoot('sel4', 1)), event(3, 'guest-failed', ofBoot('sel4', 1))]);
    expect(result.boots).to.deep.equal([{ guest: 'sel4', boot: 1, channel: { samples: 0, seconds: 0 } }]);
    expect(describeTimeline('x.yaml', result)).to.contain('first record     n/a');
  });
});

import { expect } from 'chai';
import type { GuestConfig } from '../../harness/config/types.js';
import type { RunEvent } from '../../harness/lifecycle/events.js';
import { DataChannelWatcher } from '../../harness/session/watcher.js';
import { sampleStream } from '../wire/encode.js';

const guest: GuestConfig = {
  name: 'linux',
  os: 'linux',
  vcpus: 1,
  memoryMiB: 256,
  benchmarks: { boots: 1, iterations: 5, warmup: 10, include: ['*'] },
  peers: [],
  image: {},
};
const timeouts = { bootSeconds: 30, benchmarkSeconds: 10, shutdownSeconds: 5 };

/** A clock the test moves by hand. */
function handClock(): { clock: () => number; advance: (ms: number) => void } {
  let now = 1_000_000;
  return { clock: () => now, advance: (ms) => (now += ms) };
}

/** The index of the byte where the record at `index` ends. */
function recordEnd(bytes: Buffer, index: number): number {
  let at = 0;
  for (let k = 0; k <= index; k++) at += 20 + bytes.readUInt32LE(at + 12);
  return at;
}

describe('the data-channel watcher every session shares', () => {
  it('moves from boot to benchmark to shutdown as records arrive, emitting their events', () => {
    const events: RunEvent[] = [];
    const watcher = new DataChannelWatcher(guest, 2, timeouts, (e) => events.push(e));
    expect(watcher.phase).to.equal('start');
    watcher.booting();
    expect(watcher.phase).to.equal('boot');
    const bytes = sampleStream();
    // Half a record completes none: still booting.
    watcher.feed(bytes.subarray(0, 10));
    expect(watcher.phase).to.equal('boot');
    watcher.feed(bytes.subarray(10, recordEnd(bytes, 1)));
    expect(watcher.phase).to.equal('benchmark');
    watcher.feed(bytes.subarray(recordEnd(bytes, 1)));
    expect(watcher.phase).to.equal('shutdown');
    expect(watcher.complete).to.equal(true);
    expect(watcher.dataBytes).to.equal(bytes.length);
    expect(events.map((e) => e.type)).to.deep.equal([
      'guest-started',
      'benchmark-begin',
      'benchmark-progress',
      'benchmark-progress',
      'benchmark-end',
      'benchmark-skipped',
      'payload-done',
    ]);
    expect(events.every((e) => !('boot' in e) || e.boot === 2)).to.equal(true);
  });

  it('gives each phase its own deadline: boot, silence while benchmarks run, shutdown (where the guest is only stopped)', () => {
    const time = handClock();
    const watcher = new DataChannelWatcher(guest, 1, timeouts, () => undefined, { clock: time.clock });
    watcher.booting();
    time.advance(30_000);
    expect(watcher.overdue()).to.equal(undefined);
    time.advance(1);
    expect(watcher.overdue()).to.deep.equal({
      kind: 'timeout',
      phase: 'boot',
      detail: 'expected data-channel records, got none within the 30 s boot timeout',
    });
    const bytes = sampleStream();
    watcher.feed(bytes.subarray(0, recordEnd(bytes, 1)));
    time.advance(10_000);
    expect(watcher.overdue()).to.equal(undefined);
    time.advance(1);
    expect(watcher.overdue()).to.deep.include({ kind: 'timeout', phase: 'benchmark' });
    expect(watcher.overdue())
      .to.have.property('detail')
      .that.matches(/10 s without data \(benchmark timeout\)/);
    watcher.feed(bytes.subarray(recordEnd(bytes, 1)));
    time.advance(5_001);
    expect(watcher.overdue()).to.deep.equal({ kind: 'stop' });
  });

  it('names where the data comes from, and keeps the boot deadline from the start when asked', () => {
    const time = handClock();
    const watcher = new DataChannelWatcher(guest, 1, timeouts, () => undefined, { source: 'root@host:22', clock: time.clock });
    time.advance(20_000);
    watcher.booting(true);
    time.advance(10_001);
    expect(watcher.overdue()).to.have.property('detail', 'expected data-channel records from root@host:22, got none within the 30 s boot timeout');
  });

  it('says how much of a record was left unfinished, and throws at a bad record', () => {
    const watcher = new DataChannelWatcher(guest, 1, timeouts, () => undefined);
    const bytes = sampleStream();
    watcher.feed(bytes.subarray(0, recordEnd(bytes, 0) + 7));
    expect(watcher.unfinished()).to.equal('; 7 bytes of an unfinished record');
    const damaged = Buffer.from(bytes.subarray(recordEnd(bytes, 0), recordEnd(bytes, 1)));
    damaged.writeUInt8(damaged.readUInt8(25) ^ 0xff, 25);
    const fresh = new DataChannelWatcher(guest, 1, timeouts, () => undefined);
    fresh.feed(bytes.subarray(0, recordEnd(bytes, 0)));
    expect(() => fresh.feed(damaged)).to.throw(/CRC/);
  });
});

// Issue 7, "Data channel faults" and "Hostile guest output" (docs/reliability.md): every way a
// stream can be damaged or forged is detected at a byte offset, and nothing from the damaged
// record on becomes a figure. test/wire/decoder.test.ts has the first cases of each kind; these
// go through every position of a real-shaped stream.
import { expect } from 'chai';
import type { RecordTypeName } from '../../harness/wire/constants.js';
import { DataChannel, readDataChannel } from '../../harness/wire/data-channel.js';
import { WireError } from '../../harness/wire/errors.js';
import { streamExpectation, type StreamExpectation } from '../../harness/wire/expectation.js';
import { MAX_ITERATIONS, MAX_STREAM_BENCHMARKS, MAX_STREAM_PEERS, type GuestStream } from '../../harness/wire/stream.js';
import { guestFigures } from '../../harness/analysis/guest-figures.js';
import { DEFAULT_METHODOLOGY } from '../../harness/analysis/results.js';
import { encodeRecord, fields, samples } from './encode.js';

type Spec = [RecordTypeName, Buffer];

const ITERATIONS = 6;
const WARMUP = 2;
const begin: Spec = ['STREAM_BEGIN', fields({ payload: 'hb-linux 1', guest_os: 'linux', kernel: '6.1', cpus_online: 1, timer: 'rdtscp+lfence', tsc_hz: 0 })];
const benchBegin = (metric: string, extra: Record<string, string | number> = {}): Spec => [
  'BENCH_BEGIN',
  fields({
    metric,
    mechanism: 'm',
    unit: 'tsc-ticks',
    iterations: ITERATIONS,
    warmup: WARMUP,
    ops_per_sample: 1,
    vcpus: '0',
    affinity: '0',
    timer_overhead: 10,
    ...extra,
  }),
];
const benchEnd = (metric: string): Spec => ['BENCH_END', fields({ metric, samples: ITERATIONS, timer_overhead_after: 10 })];
const bench = (metric: string, base: number): Spec[] => [
  benchBegin(metric),
  ['SAMPLES', samples(0, [base, base + 1, base + 2])],
  ['SAMPLES', samples(3, [base + 3, base + 4, base + 5])],
  benchEnd(metric),
];
const skip = (metric: string): Spec => ['SKIP', fields({ metric, reason: 'needs 2 vCPUs' })];
const end = (benchmarks: number): Spec => ['STREAM_END', fields({ benchmarks })];
const peer = (extra: Record<string, string | number> = {}): Spec => [
  'PEER',
  fields({
    peer: 'perf',
    bench: 'sched-pipe',
    compare_with: 'syscall.null',
    command: 'perf bench',
    loops: 100000,
    vcpus: '0',
    affinity: '0',
    exit: '0',
    output: 'x',
    ...extra,
  }),
];

/** A stream of two benchmarks and a skip, as the Linux payload sends one. */
const GOOD: Spec[] = [begin, ...bench('syscall.null', 100), ...bench('ctxswitch.yield', 500), skip('ipc.roundtrip.pipe.thread.cross'), end(3)];

const EXPECT: StreamExpectation = { os: 'linux', include: ['*'], iterations: ITERATIONS, warmup: WARMUP, peers: [] };

function encode(specs: readonly Spec[], seqs?: readonly number[]): Buffer {
  return Buffer.concat(specs.map(([type, payload], k) => encodeRecord(type, seqs?.[k] ?? k, payload)));
}

/** Start offsets of each record of an encoded stream, and the total length at the end. */
function boundaries(bytes: Buffer): number[] {
  const starts: number[] = [];
  for (let at = 0; at < bytes.length; at += 20 + bytes.readUInt32LE(at + 12)) starts.push(at);
  return [...starts, bytes.length];
}

/** Feeds in `chunk`-byte pieces and finishes; the stream so far and the first error, as the runner would see them. */
function read(bytes: Buffer, expectation: StreamExpectation | undefined = EXPECT, chunk = bytes.length || 1): { stream: GuestStream; error?: WireError } {
  const channel = new DataChannel(expectation);
  try {
    for (let i = 0; i < bytes.length; i += chunk) channel.feed(bytes.subarray(i, i + chunk));
    channel.finish();
    return { stream: channel.stream };
  } catch (error) {
    expect(error).to.be.instanceOf(WireError);
    return { stream: channel.stream, error: error as WireError };
  }
}

function failure(bytes: Buffer, expectation: StreamExpectation | undefined = EXPECT): WireError {
  const { error } = read(bytes, expectation);
  expect(error, 'expected the stream to be rejected').not.to.equal(undefined);
  return error!;
}

/** Metrics whose BENCH_END lies wholly before `offset`. */
function completedBefore(bytes: Buffer, offset: number): string[] {
  const starts = boundaries(bytes);
  const done: string[] = [];
  GOOD.forEach(([type, payload], k) => {
    if (type === 'BENCH_END' && starts[k + 1]! <= offset) done.push(/metric=([^\n]+)/.exec(payload.toString('latin1'))![1]!);
  });
  return done;
}

function figures(stream: GuestStream) {
  return guestFigures({ name: 'linux', os: 'linux' }, 'tcg-icount', [{ boot: 1, stream }], {
    bootstrap: { resamples: 100, seed: 1 },
    methodology: DEFAULT_METHODOLOGY,
  }).results.map((r) => r.metric);
}

describe('a damaged data channel', () => {
  const good = encode(GOOD);
  const starts = boundaries(good);
  const recordAt = (byte: number) => starts.filter((s) => s <= byte).at(-1)!;

  it('reads the undamaged stream completely, with the expectation of its config', () => {
    const { stream, error } = read(good);
    expect(error).to.equal(undefined);
    expect(stream.complete).to.equal(true);
    expect(figures(stream)).to.deep.equal(['syscall.null', 'ctxswitch.yield']);
  });

  it('detects every single flipped bit, at the offset of the record that holds it, and keeps only the benchmarks before it', () => {
    let cases = 0;
    for (let byte = 0; byte < good.length; byte++) {
      for (const bit of [0x01, 0x10, 0x80]) {
        const bytes = Buffer.from(good);
        bytes[byte]! ^= bit;
        const { stream, error } = read(bytes);
        const at = recordAt(byte);
        if (!error) expect.fail(`flipping bit ${bit} of byte ${byte} went unnoticed`);
        if (error.offset !== at) expect.fail(`flipping bit ${bit} of byte ${byte}: error at ${error.offset}, record at ${at}: ${error.message}`);
        expect(error.message).to.match(new RegExp(`^data channel at byte ${at}: expected .+, got .+`));
        expect(stream.complete).to.equal(false);
        expect(stream.benchmarks.map((b) => b.metric)).to.deep.equal(completedBefore(good, at));
        expect(figures(stream)).to.deep.equal(completedBefore(good, at));
        cases++;
      }
    }
    expect(cases).to.equal(good.length * 3);
  });

  it('reports the same offset however the bytes were chunked', () => {
    const bytes = Buffer.from(good);
    const victim = starts[6]! + 25;
    bytes[victim]! ^= 0x04;
    for (const chunk of [1, 3, 7, 20, 64, 4096]) expect(read(bytes, EXPECT, chunk).error!.offset).to.equal(starts[6]);
  });

  it('detects a stream truncated at every length: a whole record is kept, a cut one is named by its offset', () => {
    for (let length = 0; length < good.length; length++) {
      const { stream, error } = read(good.subarray(0, length));
      expect(stream.complete).to.equal(false);
      if (starts.includes(length)) {
        expect(error, `cut at the record boundary ${length}`).to.equal(undefined);
      } else {
        expect(error!.message).to.equal(
          `data channel at byte ${recordAt(length)}: expected a whole record, got ${length - recordAt(length)} trailing bytes (truncated record)`,
        );
      }
      expect(stream.benchmarks.map((b) => b.metric)).to.deep.equal(completedBefore(good, length));
    }
  });

  it('detects a record cut short in the middle of the stream (the next record read as its rest)', () => {
    // Record 1 (BENCH_BEGIN, 150 bytes) loses its last bytes; the decoder takes the next record's as its rest.
    expect(starts[2]! - starts[1]!).to.be.above(40);
    const cut = Buffer.concat([good.subarray(0, starts[1]! + 40), good.subarray(starts[2]!)]);
    const error = failure(cut);
    expect(error.offset).to.equal(starts[1]);
    expect(error.message).to.match(/CRC-32|magic/);
  });

  it('detects every record duplicated, at the duplicate', () => {
    for (let k = 0; k < GOOD.length; k++) {
      const bytes = Buffer.concat([good.subarray(0, starts[k + 1]!), good.subarray(starts[k]!, starts[k + 1]!), good.subarray(starts[k + 1]!)]);
      const error = failure(bytes);
      expect(error.offset, `record ${k} twice`).to.equal(starts[k + 1]);
      expect(error.message).to.equal(`data channel at byte ${starts[k + 1]}: expected record sequence number ${k + 1}, got ${k}`);
    }
  });

  it('detects every pair of neighbouring records swapped, at the first of them', () => {
    for (let k = 0; k + 1 < GOOD.length; k++) {
      const a = good.subarray(starts[k]!, starts[k + 1]!);
      const b = good.subarray(starts[k + 1]!, starts[k + 2]!);
      const bytes = Buffer.concat([good.subarray(0, starts[k]!), b, a, good.subarray(starts[k + 2]!)]);
      const error = failure(bytes);
      expect(error.offset, `records ${k} and ${k + 1} swapped`).to.equal(starts[k]);
      expect(error.message).to.match(/sequence number/);
    }
  });

  it('detects a dropped record whether or not the rest were renumbered', () => {
    // Without its last record (STREAM_END) a stream is only incomplete: a truncation, which the
    // runner reports when QEMU stops before STREAM_END (test/session/hostile-guest.test.ts).
    expect(read(encode(GOOD.slice(0, -1))).stream.complete).to.equal(false);
    for (let k = 1; k < GOOD.length - 1; k++) {
      const kept = GOOD.filter((_, j) => j !== k);
      const plain = encode(
        kept,
        kept.map((_, j) => (j < k ? j : j + 1)),
      );
      expect(failure(plain).offset, `record ${k} dropped`).to.equal(starts[k]);
      // Renumbered, only the record order and counts can tell.
      const renumbered = encode(kept);
      const { error, stream } = read(renumbered);
      expect(error, `record ${k} dropped and the rest renumbered`).not.to.equal(undefined);
      expect(stream.complete).to.equal(false);
    }
  });

  it('detects garbage interleaved at every record boundary, naming where it starts', () => {
    const garbage = [Buffer.from('login: root\r\n'), Buffer.from([0, 0, 0, 0]), Buffer.from([0xff, 0xfe, 0x00]), Buffer.from('HBWR')];
    for (let k = 1; k < GOOD.length; k++) {
      for (const junk of garbage) {
        const bytes = Buffer.concat([good.subarray(0, starts[k]!), junk, good.subarray(starts[k]!)]);
        const error = failure(bytes);
        expect(error.offset, `${JSON.stringify(junk.toString('latin1'))} before record ${k}`).to.equal(starts[k]);
        expect(error.message).to.match(/expected magic 0x52574248|CRC-32|wire-format version|record type|payload of at most/);
      }
    }
  });

  it('detects records of another wire-format version anywhere in the stream', () => {
    for (const version of [0, 1, 3, 0xffff]) {
      for (const k of [0, 3, GOOD.length - 1]) {
        const bytes = Buffer.from(good);
        bytes.writeUInt16LE(version, starts[k]! + 4);
        expect(failure(bytes).message).to.equal(`data channel at byte ${starts[k]}: expected wire-format version 2, got version ${version}`);
      }
    }
  });

  it('detects an unknown record type', () => {
    for (const type of [0, 9, 0xffff]) {
      const bytes = Buffer.from(good);
      bytes.writeUInt16LE(type, starts[2]! + 6);
      expect(failure(bytes).message).to.equal(`data channel at byte ${starts[2]}: expected a record type in 1..8, got type ${type}`);
    }
  });

  it('rejects a length beyond the payload limit at once, without waiting for 4 GB', () => {
    const bytes = Buffer.from(good.subarray(0, starts[2]! + 20));
    bytes.writeUInt32LE(0xffffffff, starts[2]! + 12);
    const channel = new DataChannel(EXPECT);
    expect(() => channel.feed(bytes)).to.throw(
      WireError,
      `data channel at byte ${starts[2]}: expected a payload of at most 65536 bytes, got length 4294967295`,
    );
  });

  it('buffers at most one record however much garbage follows a valid header', () => {
    const channel = new DataChannel(EXPECT);
    channel.feed(good.subarray(0, starts[1]!));
    // A header announcing the largest payload, then bytes that never form it.
    const header = Buffer.from(good.subarray(starts[1]!, starts[1]! + 20));
    header.writeUInt32LE(65536, 12);
    channel.feed(header);
    let error: unknown;
    try {
      for (let k = 0; k < 64 && !error; k++) channel.feed(Buffer.alloc(4096, 0x41));
    } catch (caught) {
      error = caught;
    }
    expect(channel.pendingBytes).to.be.at.most(20 + 65536);
    expect((error as WireError).offset).to.equal(starts[1]);
    expect((error as WireError).message).to.match(/CRC-32/);
  });
});

describe('forged records (hostile guest output)', () => {
  const expectFailure = (specs: Spec[], pattern: RegExp, expectation: StreamExpectation | undefined = EXPECT, at = specs.length - 1) => {
    const bytes = encode(specs);
    const error = failure(bytes, expectation);
    expect(error.message).to.match(pattern);
    expect(error.offset).to.equal(boundaries(bytes)[at]);
    return read(bytes, expectation).stream;
  };

  it('rejects a benchmark the config did not ask for, keeping those before it', () => {
    const asked = { ...EXPECT, include: ['syscall.*'] };
    const stream = expectFailure(
      [begin, ...bench('syscall.null', 1), benchBegin('ctxswitch.yield')],
      /expected a metric the config asked for \(syscall\.\*\), got ctxswitch\.yield/,
      asked,
    );
    expect(figures(stream)).to.deep.equal(['syscall.null']);
    expectFailure([begin, skip('ipc.roundtrip.pipe.thread.cross')], /a metric the config asked for/, asked);
  });

  it('rejects a metric sent twice (a second set of samples for a figure)', () => {
    const stream = expectFailure(
      [begin, ...bench('syscall.null', 1), benchBegin('syscall.null')],
      /expected each metric once per stream, got syscall\.null again/,
    );
    expect(stream.benchmarks).to.have.length(1);
    expectFailure([begin, ...bench('syscall.null', 1), skip('syscall.null')], /once per stream/);
    expectFailure([begin, skip('syscall.null'), benchBegin('syscall.null')], /once per stream/);
  });

  it('rejects a benchmark of other iterations or warm-up than the config asked for', () => {
    expectFailure(
      [begin, benchBegin('syscall.null', { iterations: ITERATIONS + 1 })],
      /syscall\.null with the 6 iterations and 2 warm-up the config asked for, got 7 iterations and 2 warm-up/,
    );
    expectFailure([begin, benchBegin('syscall.null', { warmup: 0 })], /got 6 iterations and 0 warm-up/);
  });

  it(`rejects more than ${MAX_ITERATIONS} iterations even without an expectation`, () => {
    expectFailure([begin, benchBegin('syscall.null', { iterations: MAX_ITERATIONS + 1 })], /at most 10000000 iterations for syscall\.null/, undefined);
  });

  it('rejects more samples than the benchmark announced', () => {
    expectFailure([begin, benchBegin('syscall.null'), ['SAMPLES', samples(0, [1, 2, 3, 4, 5, 6, 7])]], /at most 6 samples for syscall\.null, got 7/);
  });

  it(`rejects a ${MAX_STREAM_BENCHMARKS + 1}th benchmark`, () => {
    const many = Array.from({ length: MAX_STREAM_BENCHMARKS + 1 }, (_, k) => skip(`forged.metric_${k}`));
    expectFailure([begin, ...many], /expected at most 64 benchmarks in a stream/);
  });

  it('rejects a second STREAM_BEGIN, whatever payload or guest it claims', () => {
    const other: Spec = ['STREAM_BEGIN', fields({ payload: 'hb-sel4 1', guest_os: 'sel4' })];
    const stream = expectFailure([begin, ...bench('syscall.null', 1), other], /expected one STREAM_BEGIN, got a second one/);
    expect(stream.info.guest_os).to.equal('linux');
    expect(figures(stream)).to.deep.equal(['syscall.null']);
  });

  it('rejects a STREAM_BEGIN from another OS than the guest booted', () => {
    expectFailure(
      [['STREAM_BEGIN', fields({ payload: 'hb-sel4 1', guest_os: 'sel4' })]],
      /expected a STREAM_BEGIN from a linux payload \(guest_os=linux\), got guest_os="sel4"/,
    );
    expectFailure([['STREAM_BEGIN', fields({ payload: 'x' })]], /got guest_os=null/);
  });

  it('rejects every kind of record after STREAM_END', () => {
    for (const late of [
      begin,
      benchBegin('ctxswitch.pipe'),
      ['SAMPLES', samples(0, [1])] as Spec,
      benchEnd('syscall.null'),
      skip('ctxswitch.pipe'),
      end(1),
      peer(),
    ]) {
      const stream = expectFailure([begin, ...bench('syscall.null', 1), end(1), late], /expected nothing after STREAM_END, got a/, {
        ...EXPECT,
        peers: ['perf'],
      });
      expect(stream.complete).to.equal(true);
      expect(figures(stream)).to.deep.equal(['syscall.null']);
    }
  });

  it('rejects PEER records of a peer not asked for, twice the same, or too many', () => {
    expectFailure([begin, peer()], /expected PEER records only of the peers the config asked for \(none\), got one of "perf"/);
    const withPerf = { ...EXPECT, peers: ['perf'] };
    expectFailure([begin, peer(), peer()], /expected one PEER record for perf sched-pipe, got a second one/, withPerf);
    const many = Array.from({ length: MAX_STREAM_PEERS + 1 }, (_, k) => peer({ bench: `b${k}` }));
    expectFailure([begin, ...many], /at most 16 PEER records/, withPerf);
  });

  it('builds the expectation from a guest config', () => {
    expect(streamExpectation({ os: 'sel4', benchmarks: { boots: 1, iterations: 10, warmup: 1, include: ['ipc.*'] }, peers: [] })).to.deep.equal({
      os: 'sel4',
      include: ['ipc.*'],
      iterations: 10,
      warmup: 1,
      peers: [],
    });
  });
});

describe('hostile metric names', () => {
  const names = ['../../etc/passwd', 'a/b', 'a\\b', '..', '.', 'a..b', '.a', 'a.', '/abs', 'A', 'a b', '%2e%2e', 'a-b', 'é', 'x'.repeat(129), ''];

  for (const name of names) {
    it(`rejects ${JSON.stringify(name.length > 20 ? `${name.slice(0, 20)}…` : name)} in BENCH_BEGIN, SKIP and PEER, so it never reaches a path or a report`, () => {
      for (const record of [benchBegin(name), skip(name), peer({ compare_with: name })]) {
        // Without an expectation too: the name check does not depend on the config.
        for (const expectation of [EXPECT, { ...EXPECT, peers: ['perf'] }, undefined]) {
          const bytes = encode([begin, record]);
          const { stream, error } = read(bytes, expectation);
          expect(error, `${record[0]} with ${JSON.stringify(name)}`).not.to.equal(undefined);
          expect(error!.offset).to.equal(boundaries(bytes)[1]);
          expect(error!.message).to.match(/metric name|key=value lines of printable ASCII|PEER records only of the peers the config asked for/);
          if (name.length >= 3) expect(JSON.stringify(stream)).not.to.include(JSON.stringify(name).slice(1, -1));
          expect(stream.benchmarks).to.deep.equal([]);
          expect(stream.skipped).to.deep.equal([]);
          expect(stream.peers).to.deep.equal([]);
        }
      }
    });
  }

  it('accepts the names the payloads use', () => {
    for (const name of ['syscall.null', 'ipc.roundtrip.pipe.process.same', 'ctxswitch.futex', 'ipc.oneway.sel4call.thread.same', 'x'.repeat(128)]) {
      expect(readDataChannel(encode([begin, skip(name), end(1)]), EXPECT).error, name).to.equal(undefined);
    }
  });
});

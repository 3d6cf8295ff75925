import { expect } from 'chai';
import { WireDecoder } from '../../harness/wire/decoder.js';
import { WireError } from '../../harness/wire/errors.js';
import { StreamAssembler } from '../../harness/wire/stream.js';
import type { RecordTypeName } from '../../harness/wire/constants.js';
import { encodeRecord, fields, sampleStream, samples } from './encode.js';

function assemble(bytes: Uint8Array, chunk = bytes.length) {
  const decoder = new WireDecoder();
  const assembler = new StreamAssembler();
  for (let i = 0; i < bytes.length; i += chunk) {
    for (const record of decoder.push(bytes.subarray(i, i + chunk))) assembler.push(record);
  }
  decoder.finish();
  return assembler.stream;
}

function wireError(fn: () => unknown): WireError {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(WireError);
    return error as WireError;
  }
  expect.fail('expected a WireError');
}

describe('WireDecoder and StreamAssembler', () => {
  it('round-trips a stream, whatever the chunking', () => {
    const values = [1, 127, 128, 16_384, 2 ** 40, 0];
    for (const chunk of [1, 7, 20, 1 << 20]) {
      const stream = assemble(sampleStream(values), chunk);
      expect(stream.complete).to.equal(true);
      expect(stream.info.kernel).to.equal('6.1');
      expect(stream.benchmarks).to.have.length(1);
      expect(Array.from(stream.benchmarks[0]!.samples)).to.deep.equal(values);
      expect(stream.benchmarks[0]!.timerOverhead).to.equal(20);
      expect(stream.skipped).to.deep.equal([{ metric: 'ipc.roundtrip.pipe.thread.cross', reason: 'needs 2 vCPUs, guest has 1 online' }]);
    }
  });

  it('keeps samples in 4 bytes each while they fit in 32 bits, and turns to exact doubles from the first that does not', () => {
    const narrow = assemble(sampleStream([0, 1, 2 ** 28 - 1, 2 ** 28, 0xffffffff])).benchmarks[0]!.samples;
    expect(narrow).to.be.instanceOf(Uint32Array);
    expect(Array.from(narrow)).to.deep.equal([0, 1, 2 ** 28 - 1, 2 ** 28, 0xffffffff]);
    // The first SAMPLES record holds two values, the second the rest: the wide one comes second.
    const wide = assemble(sampleStream([7, 0xffffffff, 3, 2 ** 32, 2 ** 53 - 1])).benchmarks[0]!.samples;
    expect(wide).to.be.instanceOf(Float64Array);
    expect(Array.from(wide)).to.deep.equal([7, 0xffffffff, 3, 2 ** 32, 2 ** 53 - 1]);
  });

  it('says how many samples have arrived of how many BENCH_BEGIN announced, after each SAMPLES record', () => {
    const assembler = new StreamAssembler();
    const events = new WireDecoder().push(sampleStream([1, 2, 3, 4, 5])).map((record) => assembler.push(record));
    expect(events.filter((e) => e.kind === 'benchmark-begin' || e.kind === 'samples')).to.deep.equal([
      { kind: 'benchmark-begin', metric: 'syscall.null', iterations: 5 },
      { kind: 'samples', metric: 'syscall.null', received: 2, expected: 5 },
      { kind: 'samples', metric: 'syscall.null', received: 5, expected: 5 },
    ]);
  });

  it('rejects a flipped payload byte by its CRC, naming the offset', () => {
    const bytes = sampleStream();
    const second = bytes.indexOf('HBWR', 1, 'latin1');
    bytes[second + 25]! ^= 0x01;
    const error = wireError(() => assemble(bytes));
    expect(error.offset).to.equal(second);
    expect(error.message).to.match(/CRC-32/);
  });

  it('rejects a flipped header byte', () => {
    const bytes = sampleStream();
    bytes[8]! ^= 0x40;
    expect(wireError(() => assemble(bytes)).message).to.match(/CRC-32/);
  });

  it('rejects a truncated record at the end of the stream', () => {
    const bytes = sampleStream();
    const error = wireError(() => assemble(bytes.subarray(0, bytes.length - 3)));
    expect(error.message).to.match(/truncated record/);
  });

  it('rejects a record with a different wire-format version', () => {
    // Version 1 streams (before PEER records) are not read any more: payload and harness go together.
    const bytes = encodeRecord('STREAM_BEGIN', 0, fields({ payload: 'x' }));
    bytes.writeUInt16LE(1, 4);
    expect(wireError(() => assemble(bytes)).message).to.equal('data channel at byte 0: expected wire-format version 2, got version 1');
  });

  it('rejects garbage where a record should start', () => {
    const bytes = Buffer.concat([sampleStream().subarray(0, 0), Buffer.from('login: root\n')]);
    expect(wireError(() => assemble(bytes)).message).to.match(/expected magic 0x52574248/);
  });

  it('rejects duplicated records by their sequence number', () => {
    const first = encodeRecord('STREAM_BEGIN', 0, fields({ payload: 'x' }));
    expect(wireError(() => assemble(Buffer.concat([first, first]))).message).to.match(/sequence number 1, got 0/);
  });

  it('rejects a benchmark whose sample count disagrees with its iterations', () => {
    const stream = sampleStream([1, 2, 3, 4, 5]);
    const records: Buffer[] = [];
    for (let at = 0; at < stream.length;) {
      const length = 20 + stream.readUInt32LE(at + 12);
      records.push(stream.subarray(at, at + length));
      at += length;
    }
    // Drop the second SAMPLES record and renumber so only the count check can catch it.
    const kept = [records[0]!, records[1]!, records[2]!, records[4]!];
    const renumbered = kept.map((record, seq) => {
      const type = record.readUInt16LE(6);
      const name = (['', 'STREAM_BEGIN', 'BENCH_BEGIN', 'SAMPLES', 'BENCH_END'] as const)[type]!;
      return encodeRecord(name as 'STREAM_BEGIN', seq, record.subarray(20));
    });
    expect(wireError(() => assemble(Buffer.concat(renumbered))).message).to.match(/5 samples of syscall.null, got 2 received/);
  });

  it('rejects metric names that could escape a directory', () => {
    const bytes = Buffer.concat([
      encodeRecord('STREAM_BEGIN', 0, fields({ payload: 'x' })),
      encodeRecord('SKIP', 1, fields({ metric: '../../etc/passwd', reason: 'x' })),
    ]);
    expect(wireError(() => assemble(bytes)).message).to.match(/metric name/);
  });

  describe('PEER records', () => {
    const begin: [RecordTypeName, Buffer] = ['STREAM_BEGIN', fields({ payload: 'x', tsc_hz: 0 })];
    const peer = (extra: Record<string, string | number> = {}): [RecordTypeName, Buffer] => [
      'PEER',
      fields({
        peer: 'perf',
        bench: 'sched-pipe',
        compare_with: 'ipc.roundtrip.pipe.process.same',
        command: 'perf bench sched pipe -l 100000',
        loops: 100000,
        vcpus: '0',
        affinity: '0',
        exit: '0',
        output: "# Running 'sched/pipe' benchmark: | Total time: 1.311 [sec] | 13.118720 usecs/op | 76226 ops/sec",
        ...extra,
      }),
    ];
    const end = (benchmarks: number): [RecordTypeName, Buffer] => ['STREAM_END', fields({ benchmarks })];
    const bench: [RecordTypeName, Buffer][] = [
      [
        'BENCH_BEGIN',
        fields({ metric: 'syscall.null', mechanism: 'getppid', unit: 'tsc-ticks', iterations: 1, warmup: 0, vcpus: '0', affinity: '0', timer_overhead: 2 }),
      ],
      ['SAMPLES', samples(0, [7])],
      ['BENCH_END', fields({ metric: 'syscall.null', samples: 1, timer_overhead_after: 2 })],
    ];
    const encode = (records: [RecordTypeName, Buffer][]) => Buffer.concat(records.map(([type, payload], seq) => encodeRecord(type, seq, payload)));

    it('round-trips after the benchmarks, not counted by STREAM_END', () => {
      const failed = peer({ bench: 'syscall-basic', compare_with: 'syscall.null', exit: 'none', output: '', reason: '/usr/bin/perf not in the guest' });
      for (const chunk of [1, 13, 1 << 20]) {
        const stream = assemble(encode([begin, ...bench, peer(), failed, end(1)]), chunk);
        expect(stream.complete).to.equal(true);
        expect(stream.benchmarks).to.have.length(1);
        expect(stream.peers).to.deep.equal([
          {
            peer: 'perf',
            bench: 'sched-pipe',
            compareWith: 'ipc.roundtrip.pipe.process.same',
            command: 'perf bench sched pipe -l 100000',
            loops: 100000,
            vcpus: '0',
            affinity: '0',
            exit: '0',
            output: "# Running 'sched/pipe' benchmark: | Total time: 1.311 [sec] | 13.118720 usecs/op | 76226 ops/sec",
          },
          {
            peer: 'perf',
            bench: 'syscall-basic',
            compareWith: 'syscall.null',
            command: 'perf bench sched pipe -l 100000',
            loops: 100000,
            vcpus: '0',
            affinity: '0',
            exit: 'none',
            output: '',
            reason: '/usr/bin/perf not in the guest',
          },
        ]);
      }
    });

    it('is empty in a stream without PEER records', () => {
      expect(assemble(sampleStream()).peers).to.deep.equal([]);
    });

    it('rejects one before STREAM_BEGIN', () => {
      expect(wireError(() => assemble(encode([peer(), begin]))).message).to.match(/expected STREAM_BEGIN first, got a PEER record/);
    });

    it('rejects one inside a benchmark', () => {
      expect(wireError(() => assemble(encode([begin, bench[0]!, peer()]))).message).to.match(
        /expected SAMPLES or BENCH_END for syscall.null, got a PEER record/,
      );
    });

    it('rejects one after STREAM_END', () => {
      expect(wireError(() => assemble(encode([begin, end(0), peer()]))).message).to.match(/expected nothing after STREAM_END, got a PEER record/);
    });

    it('rejects one without its fields, or with names that are not names', () => {
      const noOutput = encodeRecord(
        'PEER',
        1,
        fields({ peer: 'perf', bench: 'sched-pipe', compare_with: 'syscall.null', command: 'c', loops: 1, vcpus: '0', affinity: '0', exit: '0' }),
      );
      expect(wireError(() => assemble(Buffer.concat([encodeRecord(begin[0], 0, begin[1]), noOutput]))).message).to.match(/expected a 'output' field, got none/);
      expect(wireError(() => assemble(encode([begin, peer({ peer: '../perf' })]))).message).to.match(/'peer' as a name/);
      expect(wireError(() => assemble(encode([begin, peer({ compare_with: 'not a metric' })]))).message).to.match(/metric name/);
      expect(wireError(() => assemble(encode([begin, peer({ loops: -1 })]))).message).to.match(/'loops' as a non-negative integer/);
    });
  });
});

import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { projectRoot } from '../../harness/paths.js';
import { WireDecoder } from '../../harness/wire/decoder.js';
import { StreamAssembler } from '../../harness/wire/stream.js';

describe("@host the guests' C record writer, read by the harness's parser", function () {
  this.timeout(60_000);
  let dir: string;
  let stream: Buffer;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hb-emit-'));
    const exe = join(dir, 'emit_stream');
    await execa(
      'gcc',
      [
        '-O2',
        '-Wall',
        '-Wextra',
        '-Werror',
        '-std=gnu11',
        '-Iguests/common',
        '-o',
        exe,
        'test/wire/fixtures/emit_stream.c',
        'guests/common/wire_emit.c',
        'guests/common/crc32.c',
      ],
      { cwd: projectRoot },
    );
    stream = Buffer.from((await execa(exe, { encoding: 'buffer', stripFinalNewline: false })).stdout);
  });

  after(() => rm(dir, { recursive: true, force: true }));

  it('produces a stream that parses completely, in any chunking', () => {
    for (const chunk of [stream.length, 4096, 33]) {
      const decoder = new WireDecoder();
      const assembler = new StreamAssembler();
      for (let i = 0; i < stream.length; i += chunk) {
        for (const record of decoder.push(stream.subarray(i, i + chunk))) assembler.push(record);
      }
      decoder.finish();
      const parsed = assembler.stream;
      expect(parsed.complete).to.equal(true);
      expect(parsed.info.payload).to.equal('emit-fixture 1');
      // A control byte in a value is replaced, not passed on to break the stream.
      expect(parsed.info.kernel).to.equal('host?test');
      expect(parsed.skipped).to.deep.equal([{ metric: 'ipc.roundtrip.skipped', reason: 'a reason' }]);
      // A PEER record (not counted by STREAM_END); the newline in a value became '?'.
      expect(parsed.peers).to.deep.equal([
        {
          peer: 'perf',
          bench: 'syscall-basic',
          compareWith: 'syscall.null',
          command: 'perf bench syscall basic -l 100000',
          loops: 100000,
          vcpus: '0',
          affinity: '0',
          exit: '0',
          output: '0.329280 usecs/op? | 3036929 ops/sec',
        },
      ]);
      const [bench] = parsed.benchmarks;
      expect(bench).to.include({
        metric: 'ipc.roundtrip.fixture',
        iterations: 20000,
        warmup: 7,
        opsPerSample: 2,
        timerOverhead: 31,
        timerOverheadAfter: 32,
        vcpus: '0,1',
        affinity: '0;1',
      });
      expect(Array.from(bench!.samples.slice(0, 5))).to.deep.equal([0, 127, 128, 4294967296, 2 ** 53 - 1]);
      for (let i = 5; i < 20000; i++) {
        if (bench!.samples[i] !== i * i * 977) expect.fail(`sample ${i}: expected ${i * i * 977}, got ${bench!.samples[i]}`);
      }
    }
  });

  it('splits the samples over several records that each stay within the payload limit', () => {
    let records = 0;
    for (const record of new WireDecoder().push(stream)) if (record.type === 'SAMPLES') records++;
    expect(records).to.be.greaterThan(1);
  });
});

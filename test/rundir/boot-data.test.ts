import { expect } from 'chai';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootDataFile, countBootSamples, readBootData } from '../../harness/rundir/boot-data.js';
import { SampleBoundError } from '../../harness/wire/errors.js';
import { readDataChannel } from '../../harness/wire/data-channel.js';
import { syntheticDataChannel } from '../../scripts/bench/synthetic-run.js';

describe("a boot's data.bin read back in chunks", () => {
  let dir: string;
  const whole = syntheticDataChannel(40_000);
  const damaged = Buffer.from(whole);
  damaged[Math.floor(whole.length * 0.6)]! ^= 0xff; // inside a SAMPLES record of the second benchmark

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hb-boot-data-'));
    await mkdir(join(dir, 'guests', 'g', 'boot-1'), { recursive: true });
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const summary = (result: ReturnType<typeof readDataChannel>) => ({
    error: result.error?.message,
    benchmarks: result.stream.benchmarks.map((b) => ({ ...b, samples: Array.from(b.samples) })),
    complete: result.stream.complete,
  });

  for (const chunkBytes of [20, 997, 4096, 1 << 20]) {
    it(`of ${chunkBytes} bytes: the same stream, and the same error at the same record, as the whole file decoded at once`, async () => {
      const file = bootDataFile(dir, 'g', 1);
      for (const [bytes, dataBytes] of [
        [whole, whole.length],
        [damaged, damaged.length],
        [whole, whole.length - 1000], // the manifest records fewer bytes decoded than the file has
      ] as const) {
        await writeFile(file, bytes);
        const read = await readBootData(dir, 'g', { boot: 1, dataBytes }, undefined, { chunkBytes });
        expect(summary(read)).to.deep.equal(summary(readDataChannel(bytes.subarray(0, dataBytes))));
      }
    });
  }

  it('counts the samples of the bytes the manifest records without keeping them, as many as the reading holds', async () => {
    const file = bootDataFile(dir, 'g', 1);
    await writeFile(file, whole);
    expect(await countBootSamples(dir, 'g', { boot: 1, dataBytes: whole.length })).to.equal(40_000);
    // Fewer bytes decoded than the file holds: only theirs, as readBootData reads them.
    const part = whole.length - 1000;
    const read = await readBootData(dir, 'g', { boot: 1, dataBytes: part }, undefined);
    const held = [...read.stream.benchmarks.map((b) => b.samples.length)].reduce((a, b) => a + b, 0);
    expect(await countBootSamples(dir, 'g', { boot: 1, dataBytes: part })).to.be.within(held, 40_000 - 1);
    expect(await countBootSamples(dir, 'g', { boot: 2, dataBytes: 0 })).to.equal(0);
  });

  it('refuses the read, not the record, when more samples arrive than allowed, the allowance shared between boots', async () => {
    await writeFile(bootDataFile(dir, 'g', 1), whole);
    const allowance = { bound: 50_000, remaining: 50_000 };
    await readBootData(dir, 'g', { boot: 1, dataBytes: whole.length }, undefined, { allowance });
    expect(allowance.remaining).to.equal(10_000);
    let error: Error | undefined;
    await readBootData(dir, 'g', { boot: 1, dataBytes: whole.length }, undefined, { allowance }).catch((e: Error) => (error = e));
    expect(error).to.be.instanceOf(SampleBoundError);
    expect(error!.message).to.match(/^data channel at byte \d+: expected at most 50000 samples in all \(what the reader may hold\), got more$/);
  });

  it('stops at a damaged record, naming it', async () => {
    await writeFile(bootDataFile(dir, 'g', 1), damaged);
    const read = await readBootData(dir, 'g', { boot: 1, dataBytes: damaged.length }, undefined, { chunkBytes: 4096 });
    expect(read.error?.message).to.match(/CRC-32/);
  });

  it('reads a missing data.bin of a boot that recorded none as an empty stream, and refuses one shorter than recorded', async () => {
    const empty = await readBootData(dir, 'g', { boot: 2, dataBytes: 0 }, undefined);
    expect(empty.stream.benchmarks).to.deep.equal([]);
    const file = bootDataFile(dir, 'g', 1);
    await writeFile(file, whole.subarray(0, 100));
    let error: Error | undefined;
    await readBootData(dir, 'g', { boot: 1, dataBytes: 200 }, undefined).catch((e: Error) => (error = e));
    expect(error?.message).to.equal(`expected at least 200 bytes in ${file} (as the manifest records), got 100`);
    await readBootData(dir, 'g', { boot: 3, dataBytes: 10 }, undefined).catch((e: Error) => (error = e));
    expect(error?.message).to.equal(`expected 10 bytes of data channel at ${bootDataFile(dir, 'g', 3)}, got none readable`);
  });
});

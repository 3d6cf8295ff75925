import { WireKey } from './constants.js';
import type { WireRecord } from './decoder.js';
import { SampleBoundError, WireError, type SampleAllowance } from './errors.js';
import { matchesInclude, type StreamExpectation } from './expectation.js';
import { decodeFields, decodeSamples } from './payloads.js';

/** One benchmark's metadata and raw samples as the guest sent them. */
export interface RawBenchmark {
  metric: string;
  mechanism: string;
  /** Unit the payload declared for raw samples (timer ticks). */
  unit: string;
  iterations: number;
  warmup: number;
  opsPerSample: number;
  vcpus: string;
  /** CPU sets read back inside the guest, one per participant. */
  affinity: string;
  timerOverhead: number;
  timerOverheadAfter: number;
  /**
   * Raw samples in the order taken, with no per-sample objects: 4 bytes each while every value fits
   * in 32 bits (timer deltas nearly always do), widened to 8 (exact below 2^53, all the wire allows)
   * at the first that does not. A million-sample benchmark is 4 MB, not a JS array's tens.
   */
  samples: SampleArray;
}

/** Raw samples: unsigned 32-bit while they fit, else doubles. */
export type SampleArray = Uint32Array | Float64Array;

export interface SkippedBenchmark {
  metric: string;
  reason: string;
}

/** Another tool's benchmark, run by the payload after its own (a PEER record, wire version 2). */
export interface PeerRun {
  /** The tool, e.g. "perf". */
  peer: string;
  /** Its benchmark, e.g. "sched-pipe". */
  bench: string;
  /** Our metric that measures the same operation. */
  compareWith: string;
  /** The command line the payload ran. */
  command: string;
  /** Operations the tool was asked for. */
  loops: number;
  vcpus: string;
  affinity: string;
  /** "0".."255", "signal N", or "none" when it never ran. */
  exit: string;
  /** Its stdout and stderr, lines joined with " | ". */
  output: string;
  /** Why it could not be run or did not succeed; absent when it exited 0. */
  reason?: string;
}

/** What one guest's data channel said. */
export interface GuestStream {
  /** STREAM_BEGIN fields: payload, kernel, timer, tsc_hz, compiler... */
  info: Record<string, string>;
  benchmarks: RawBenchmark[];
  skipped: SkippedBenchmark[];
  failed: SkippedBenchmark[];
  /** PEER records, in the order they came. */
  peers: PeerRun[];
  /** True once STREAM_END arrived and its count agreed. */
  complete: boolean;
}

export type StreamEvent =
  | { kind: 'stream-begin'; info: Record<string, string> }
  | { kind: 'benchmark-begin'; metric: string; iterations: number }
  /** After each SAMPLES record: samples of the benchmark so far, of the `expected` its BENCH_BEGIN announced. */
  | { kind: 'samples'; metric: string; received: number; expected: number }
  | { kind: 'benchmark-end'; benchmark: RawBenchmark }
  | { kind: 'benchmark-skipped'; skipped: SkippedBenchmark }
  | { kind: 'benchmark-failed'; failed: SkippedBenchmark }
  | { kind: 'peer'; peer: PeerRun }
  | { kind: 'stream-end' };

/**
 * Metric names: dot-separated words of [a-z0-9_], at most 128 characters. No '/', no '..', no
 * empty word, so a name can never be a path (the run directory is named only from config guest
 * names and boot numbers anyway).
 */
const METRIC_NAME = /^[a-z0-9_]+(\.[a-z0-9_]+)*$/;
const PEER_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;

/**
 * Benchmarks (BENCH_BEGIN or SKIP, or ERROR without one) a stream may announce: each payload has
 * about a dozen. With the samples per benchmark capped by `iterations` (the config's, when
 * expected, else the guest's own BENCH_BEGIN), this bounds what one stream can make the harness hold.
 */
export const MAX_STREAM_BENCHMARKS = 64;
/** PEER records a stream may send: one per peer benchmark, two per peer today. */
export const MAX_STREAM_PEERS = 16;
/** Iterations a BENCH_BEGIN may announce, expected or not: the config schema's maximum. */
export const MAX_ITERATIONS = 10_000_000;

/**
 * Room for samples at BENCH_BEGIN when no config vouches for the iterations announced. Growing by
 * doubling from here, rather than allocating them all at once, keeps a forged BENCH_BEGIN (10^7
 * iterations and no samples) from costing 80 MB: memory follows what arrives. With an expectation
 * the count is the config's, and the room is allocated once, with no copies as it fills.
 */
const INITIAL_SAMPLE_CAPACITY = 4096;

/**
 * A copy of `samples` with room for at least `needed` (doubling, never beyond `limit`), as doubles
 * when `wide` (a value of 2^32 or more has come), else of the same kind.
 */
function grown(samples: SampleArray, needed: number, limit: number, wide: boolean): SampleArray {
  let capacity = Math.max(samples.length, 1);
  while (capacity < needed) capacity *= 2;
  const length = Math.min(capacity, limit);
  const next = wide || samples instanceof Float64Array ? new Float64Array(length) : new Uint32Array(length);
  next.set(samples);
  return next;
}

/**
 * Checks record order and contents and collects a GuestStream. With an expectation (what the
 * config asked this guest for), records beyond it are rejected too; without one only the format
 * and order are checked. Every metric may be announced once per stream.
 */
export class StreamAssembler {
  readonly stream: GuestStream = { info: {}, benchmarks: [], skipped: [], failed: [], peers: [], complete: false };
  private begun = false;
  private current: RawBenchmark | undefined;
  /** Samples of the current benchmark received so far; its `samples` has room for at least these. */
  private received = 0;
  private readonly announced = new Set<string>();
  private readonly peerRuns = new Set<string>();

  constructor(
    private readonly expectation?: StreamExpectation,
    private readonly allowance?: SampleAllowance,
  ) {}

  push(record: WireRecord): StreamEvent {
    const at = record.offset;
    if (this.stream.complete) throw new WireError(at, 'nothing after STREAM_END', `a ${record.type} record`);
    if (!this.begun && record.type !== 'STREAM_BEGIN') throw new WireError(at, 'STREAM_BEGIN first', `a ${record.type} record`);
    if (this.current && record.type !== 'SAMPLES' && record.type !== 'BENCH_END' && record.type !== 'ERROR') {
      throw new WireError(at, `SAMPLES or BENCH_END for ${this.current.metric}`, `a ${record.type} record`);
    }
    switch (record.type) {
      case 'STREAM_BEGIN':
        return this.streamBegin(record, at);
      case 'BENCH_BEGIN':
        return this.benchBegin(record, at);
      case 'SAMPLES':
        return this.samples(record, at);
      case 'BENCH_END':
        return this.benchEnd(record, at);
      case 'SKIP':
      case 'ERROR':
        return this.skipOrError(record, at);
      case 'PEER':
        return this.peer(record, at);
      case 'STREAM_END':
        return this.streamEnd(record, at);
    }
  }

  /** The guest's facts (kernel, timer, payload build), from a payload of the OS the config names. */
  private streamBegin(record: WireRecord, at: number): StreamEvent {
    if (this.begun) throw new WireError(at, 'one STREAM_BEGIN', 'a second one');
    const info = Object.fromEntries(decodeFields(record.payload, at));
    const os = this.expectation?.os;
    if (os !== undefined && info[WireKey.GUEST_OS] !== os) {
      throw new WireError(
        at,
        `a STREAM_BEGIN from a ${os} payload (${WireKey.GUEST_OS}=${os})`,
        `${WireKey.GUEST_OS}=${JSON.stringify(info[WireKey.GUEST_OS] ?? null)}`,
      );
    }
    this.begun = true;
    this.stream.info = info;
    return { kind: 'stream-begin', info: this.stream.info };
  }

  /** A benchmark starts: its metric, iterations and warm-up must be what the config asked for. */
  private benchBegin(record: WireRecord, at: number): StreamEvent {
    const f = new Fields(decodeFields(record.payload, at), at);
    const metric = this.announce(f.metric(), at);
    const iterations = f.int(WireKey.ITERATIONS);
    const warmup = f.int(WireKey.WARMUP);
    if (iterations > MAX_ITERATIONS) throw new WireError(at, `at most ${MAX_ITERATIONS} iterations for ${metric}`, `${iterations}`);
    const asked = this.expectation;
    if (asked && (iterations !== asked.iterations || warmup !== asked.warmup)) {
      throw new WireError(
        at,
        `${metric} with the ${asked.iterations} iterations and ${asked.warmup} warm-up the config asked for`,
        `${iterations} iterations and ${warmup} warm-up`,
      );
    }
    this.current = {
      metric,
      mechanism: f.text(WireKey.MECHANISM),
      unit: f.text(WireKey.UNIT),
      iterations,
      warmup,
      opsPerSample: f.int(WireKey.OPS_PER_SAMPLE, 1),
      vcpus: f.text(WireKey.VCPUS),
      affinity: f.text(WireKey.AFFINITY),
      timerOverhead: f.int(WireKey.OVERHEAD),
      timerOverheadAfter: Number.NaN,
      // The config vouches for the count when there is one (checked above): room for all at once,
      // but never for more than the allowance lets arrive (a bound below the config's count).
      samples: new Uint32Array(Math.min(asked ? iterations : Math.min(iterations, INITIAL_SAMPLE_CAPACITY), this.allowance?.remaining ?? Infinity)),
    };
    this.received = 0;
    return { kind: 'benchmark-begin', metric: this.current.metric, iterations: this.current.iterations };
  }

  /** The next chunk of the current benchmark's samples, in order, never more than announced. */
  private samples(record: WireRecord, at: number): StreamEvent {
    const bench = this.expectCurrent(record);
    const chunk = decodeSamples(record.payload, at);
    const received = this.received;
    if (chunk.first !== received) {
      throw new WireError(at, `samples of ${bench.metric} from index ${received}`, `index ${chunk.first}`);
    }
    const total = received + chunk.values.length;
    if (total > bench.iterations) {
      throw new WireError(at, `at most ${bench.iterations} samples for ${bench.metric}`, `${total}`);
    }
    // Counted before they are kept: what the reader was allowed to hold (a run's samples, counted first) is not passed.
    if (this.allowance) {
      if (chunk.values.length > this.allowance.remaining) throw new SampleBoundError(at, this.allowance.bound);
      this.allowance.remaining -= chunk.values.length;
    }
    // decodeSamples gives doubles only for a value beyond 32 bits.
    const wide = bench.samples instanceof Uint32Array && chunk.values instanceof Float64Array;
    if (wide || total > bench.samples.length) bench.samples = grown(bench.samples, total, bench.iterations, wide);
    bench.samples.set(chunk.values, received);
    this.received = total;
    return { kind: 'samples', metric: bench.metric, received: total, expected: bench.iterations };
  }

  /** The current benchmark ends, with every sample it announced. */
  private benchEnd(record: WireRecord, at: number): StreamEvent {
    const bench = this.expectCurrent(record);
    const f = new Fields(decodeFields(record.payload, at), at);
    const metric = f.metric();
    if (metric !== bench.metric) throw new WireError(at, `BENCH_END for ${bench.metric}`, `BENCH_END for ${metric}`);
    const count = f.int(WireKey.SAMPLES);
    if (count !== bench.iterations || this.received !== bench.iterations) {
      throw new WireError(at, `${bench.iterations} samples of ${metric}`, `${this.received} received, ${count} announced`);
    }
    // Room grows to exactly `iterations` (see grown()), so every sample slot is now filled.
    bench.samples = bench.samples.subarray(0, this.received);
    bench.timerOverheadAfter = f.int(WireKey.OVERHEAD_AFTER);
    this.current = undefined;
    this.stream.benchmarks.push(bench);
    return { kind: 'benchmark-end', benchmark: bench };
  }

  /** A benchmark skipped (SKIP) or failed (ERROR). */
  private skipOrError(record: WireRecord, at: number): StreamEvent {
    const f = new Fields(decodeFields(record.payload, at), at);
    const entry = { metric: f.metric(), reason: f.text(WireKey.REASON) };
    if (this.current && this.current.metric !== entry.metric) {
      throw new WireError(at, `an ERROR for ${this.current.metric}`, `one for ${entry.metric}`);
    }
    // An ERROR ends the benchmark its BENCH_BEGIN announced; a SKIP (or a lone ERROR) announces one.
    if (!this.current) this.announce(entry.metric, at);
    this.current = undefined;
    if (record.type === 'SKIP') {
      this.stream.skipped.push(entry);
      return { kind: 'benchmark-skipped', skipped: entry };
    }
    this.stream.failed.push(entry);
    return { kind: 'benchmark-failed', failed: entry };
  }

  /** A peer tool's run (config `peers`): outside any benchmark, after STREAM_BEGIN and before STREAM_END. */
  private peer(record: WireRecord, at: number): StreamEvent {
    // Outside any benchmark (the check above), after STREAM_BEGIN and before STREAM_END.
    const f = new Fields(decodeFields(record.payload, at), at);
    const reason = f.optional(WireKey.REASON);
    if (this.stream.peers.length >= MAX_STREAM_PEERS) throw new WireError(at, `at most ${MAX_STREAM_PEERS} PEER records`, 'another one');
    const tool = f.name(WireKey.PEER);
    const asked = this.expectation?.peers;
    if (asked && !asked.includes(tool)) {
      throw new WireError(at, `PEER records only of the peers the config asked for (${asked.join(', ') || 'none'})`, `one of ${JSON.stringify(tool)}`);
    }
    const bench = f.name(WireKey.PEER_BENCH);
    const key = `${tool}\0${bench}`;
    if (this.peerRuns.has(key)) throw new WireError(at, `one PEER record for ${tool} ${bench}`, 'a second one');
    this.peerRuns.add(key);
    const peer: PeerRun = {
      peer: tool,
      bench,
      compareWith: f.metric(WireKey.COMPARE_WITH),
      command: f.text(WireKey.COMMAND),
      loops: f.int(WireKey.LOOPS),
      vcpus: f.text(WireKey.VCPUS),
      affinity: f.text(WireKey.AFFINITY),
      exit: f.text(WireKey.EXIT),
      output: f.text(WireKey.OUTPUT),
      ...(reason !== undefined ? { reason } : {}),
    };
    this.stream.peers.push(peer);
    return { kind: 'peer', peer };
  }

  /** The end: it counts every benchmark received. */
  private streamEnd(record: WireRecord, at: number): StreamEvent {
    const count = new Fields(decodeFields(record.payload, at), at).int(WireKey.BENCHMARKS);
    const seen = this.stream.benchmarks.length + this.stream.skipped.length + this.stream.failed.length;
    if (count !== seen) throw new WireError(at, `STREAM_END counting the ${seen} benchmarks received`, `${count}`);
    this.stream.complete = true;
    return { kind: 'stream-end' };
  }

  /** A metric announced by BENCH_BEGIN, SKIP or a lone ERROR: once per stream, selected by the config, within the cap. */
  private announce(metric: string, at: number): string {
    if (this.announced.has(metric)) throw new WireError(at, `each metric once per stream`, `${metric} again`);
    if (this.announced.size >= MAX_STREAM_BENCHMARKS)
      throw new WireError(at, `at most ${MAX_STREAM_BENCHMARKS} benchmarks in a stream`, `a ${MAX_STREAM_BENCHMARKS + 1}th (${metric})`);
    const include = this.expectation?.include;
    if (include && !matchesInclude(include, metric)) {
      throw new WireError(at, `a metric the config asked for (${include.join(', ')})`, metric);
    }
    this.announced.add(metric);
    return metric;
  }

  private expectCurrent(record: WireRecord): RawBenchmark {
    if (!this.current) throw new WireError(record.offset, 'a BENCH_BEGIN before it', `a ${record.type} record`);
    return this.current;
  }
}

class Fields {
  constructor(
    private readonly fields: Map<string, string>,
    private readonly offset: number,
  ) {}

  text(key: string): string {
    const value = this.fields.get(key);
    if (value === undefined) throw new WireError(this.offset, `a '${key}' field`, 'none');
    return value;
  }

  optional(key: string): string | undefined {
    return this.fields.get(key);
  }

  /** A short lowercase name: a tool or its benchmark. */
  name(key: string): string {
    const value = this.text(key);
    if (!PEER_NAME.test(value)) throw new WireError(this.offset, `'${key}' as a name of up to 32 [a-z0-9_-] characters`, JSON.stringify(value.slice(0, 60)));
    return value;
  }

  int(key: string, fallback?: number): number {
    const raw = this.fields.get(key);
    if (raw === undefined && fallback !== undefined) return fallback;
    const value = Number(this.text(key));
    if (!Number.isSafeInteger(value) || value < 0) throw new WireError(this.offset, `'${key}' as a non-negative integer`, JSON.stringify(raw));
    return value;
  }

  metric(key: string = WireKey.METRIC): string {
    const name = this.text(key);
    if (!METRIC_NAME.test(name) || name.length > 128) {
      throw new WireError(this.offset, 'a metric name of dot-separated [a-z0-9_] words', JSON.stringify(name.slice(0, 60)));
    }
    return name;
  }
}

import { WireDecoder } from './decoder.js';
import type { SampleAllowance } from './errors.js';
import type { StreamExpectation } from './expectation.js';
import { StreamAssembler, type GuestStream, type StreamEvent } from './stream.js';

/**
 * A guest's data channel: bytes in, a checked stream out. The runner feeds it as QEMU writes and
 * the report regenerator feeds it data.bin 1 MiB at a time (rundir/boot-data.ts); records are
 * assembled one by one, so both end in the same state, including at a damaged record (everything
 * before it is kept). Given what the config asked the guest for, records beyond it (forged ones)
 * are rejected as damaged ones are.
 *
 * Memory: what is buffered is at most one unfinished record (20 + 65536 bytes) plus the chunk
 * being fed; what is kept is the stream, bounded by MAX_STREAM_BENCHMARKS × iterations samples.
 */
export class DataChannel {
  private readonly decoder = new WireDecoder();
  private readonly assembler: StreamAssembler;

  /** With an allowance, the samples it may still take: more throws SampleBoundError. */
  constructor(expectation?: StreamExpectation, allowance?: SampleAllowance) {
    this.assembler = new StreamAssembler(expectation, allowance);
  }

  get stream(): GuestStream {
    return this.assembler.stream;
  }

  /** Bytes of an unfinished record at the end of what was fed. */
  get pendingBytes(): number {
    return this.decoder.pendingBytes;
  }

  /** Throws WireError (or the assembler's error) at the first bad record; `onEvent` has seen every good one. */
  feed(bytes: Uint8Array, onEvent: (event: StreamEvent) => void = () => {}): void {
    for (const record of this.decoder.feed(bytes)) onEvent(this.assembler.push(record));
  }

  /** Throws WireError when what was fed ends in the middle of a record (a truncated stream), naming its offset. */
  finish(): void {
    this.decoder.finish();
  }
}

/** Feeds `bytes` to `channel`: the error that stopped its stream, if any (the stream keeps every record before it). */
export function feedChecked(channel: DataChannel, bytes: Uint8Array): Error | undefined {
  try {
    channel.feed(bytes);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** The stream a whole data.bin holds, and the error that stopped it if any (as the runner saw it). */
export function readDataChannel(bytes: Uint8Array, expectation?: StreamExpectation): { stream: GuestStream; error?: Error } {
  const channel = new DataChannel(expectation);
  const error = feedChecked(channel, bytes);
  return error ? { stream: channel.stream, error } : { stream: channel.stream };
}

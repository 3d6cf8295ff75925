import { WireDecoder } from './decoder.js';
import { StreamAssembler, type GuestStream, type StreamEvent } from './stream.js';

/**
 * A guest's data channel: bytes in, a checked stream out. The runner feeds it as QEMU writes and
 * the report regenerator feeds it a whole data.bin; records are assembled one by one, so both end
 * in the same state, including at a damaged record (everything before it is kept).
 */
export class DataChannel {
  private readonly decoder = new WireDecoder();
  private readonly assembler = new StreamAssembler();

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
}

/** The stream a whole data.bin holds, and the error that stopped it if any (as the runner saw it). */
export function readDataChannel(bytes: Uint8Array): { stream: GuestStream; error?: Error } {
  const channel = new DataChannel();
  try {
    channel.feed(bytes);
    return { stream: channel.stream };
  } catch (error) {
    return { stream: channel.stream, error: error instanceof Error ? error : new Error(String(error)) };
  }
}

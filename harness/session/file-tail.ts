import { open, type FileHandle } from 'node:fs/promises';

/**
 * Bytes one `read()` returns at most. A guest controls how fast its data channel grows (a fake or
 * broken one can write hundreds of megabytes between two polls), so the harness takes it in
 * slices of this size: what it holds of the channel at once stays about this big, and a damaged
 * stream is rejected at its first bad record without the rest ever being read.
 */
export const FILE_TAIL_READ_BYTES = 1 << 20;

/** Reads what has been appended to a file since the last call; QEMU writes serial output to files. */
export class FileTail {
  private handle: FileHandle | undefined;
  private position = 0;
  private behind = false;

  constructor(private readonly path: string) {}

  /**
   * Up to `limit` bytes appended since the last call. When it returns a full `limit`, there may be
   * more already (`more` is true): read again before taking the file as drained.
   */
  async read(limit = FILE_TAIL_READ_BYTES): Promise<Buffer> {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`FileTail.read: limit must be an integer >= 1, got ${limit}`);
    if (!this.handle) {
      try {
        this.handle = await open(this.path, 'r');
      } catch {
        this.behind = false;
        return Buffer.alloc(0);
      }
    }
    const chunks: Buffer[] = [];
    let filled = 0;
    while (filled < limit) {
      const want = Math.min(1 << 16, limit - filled);
      const buffer = Buffer.alloc(want);
      const { bytesRead } = await this.handle.read(buffer, 0, want, this.position);
      if (bytesRead === 0) break;
      this.position += bytesRead;
      filled += bytesRead;
      chunks.push(buffer.subarray(0, bytesRead));
    }
    this.behind = filled === limit;
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, filled);
  }

  /** True when the last read stopped at its limit rather than at the end of the file. */
  get more(): boolean {
    return this.behind;
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }
}

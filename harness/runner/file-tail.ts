import { open, type FileHandle } from 'node:fs/promises';

/** Reads what has been appended to a file since the last call; QEMU writes serial output to files. */
export class FileTail {
  private handle: FileHandle | undefined;
  private position = 0;

  constructor(private readonly path: string) {}

  async read(): Promise<Buffer> {
    if (!this.handle) {
      try {
        this.handle = await open(this.path, 'r');
      } catch {
        return Buffer.alloc(0);
      }
    }
    const chunks: Buffer[] = [];
    for (;;) {
      const buffer = Buffer.alloc(1 << 16);
      const { bytesRead } = await this.handle.read(buffer, 0, buffer.length, this.position);
      if (bytesRead === 0) break;
      this.position += bytesRead;
      chunks.push(buffer.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks);
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
  }
}

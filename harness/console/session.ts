import type { Duplex } from 'node:stream';
import { connectUnixSocket } from '../qemu/unix-socket.js';
import { printable } from './printable.js';

/** A console step that did not see what it waited for; carries what the console said last. */
export class ConsoleExpectError extends Error {
  constructor(
    readonly expected: string,
    readonly tail: string,
    readonly reason: 'timeout' | 'closed',
    readonly timeoutMs: number,
  ) {
    const why = reason === 'timeout' ? `within ${timeoutMs} ms` : 'before the console closed';
    super(`expected ${expected} on the console ${why}, got:\n${tail}`);
    this.name = 'ConsoleExpectError';
  }
}

/** Text kept for matching; older output is dropped so a guest that floods the console costs bounded memory. */
export const CONSOLE_BUFFER_CHARS = 1 << 20;

/**
 * A guest's serial console driven like a terminal user would: wait for a pattern, type a line.
 * Matching starts after the previous match, so the same prompt is never taken twice.
 */
export class ConsoleSession {
  private buffer = '';
  private cursor = 0;
  private closed = false;
  private waiter: (() => void) | undefined;

  constructor(private readonly stream: Duplex) {
    stream.setEncoding('latin1');
    stream.on('data', (text: string) => {
      this.buffer += text;
      if (this.buffer.length > CONSOLE_BUFFER_CHARS) {
        const drop = this.buffer.length - CONSOLE_BUFFER_CHARS;
        this.buffer = this.buffer.slice(drop);
        this.cursor = Math.max(0, this.cursor - drop);
      }
      this.waiter?.();
    });
    const onEnd = () => {
      this.closed = true;
      this.waiter?.();
    };
    stream.on('end', onEnd);
    stream.on('close', onEnd);
    stream.on('error', onEnd);
  }

  /** Connects to a QEMU socket chardev, retrying while QEMU has not created it yet. */
  static async connect(path: string, timeoutMs: number): Promise<ConsoleSession> {
    return new ConsoleSession(await connectUnixSocket(path, timeoutMs, 'console'));
  }

  /** Waits for `pattern` in what arrived since the last match. `what` names it in errors. */
  async expect(pattern: RegExp, timeoutMs: number, what = String(pattern)): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    const flags = pattern.flags.replace('g', '');
    for (;;) {
      const match = new RegExp(pattern.source, flags).exec(this.buffer.slice(this.cursor));
      if (match) {
        this.cursor += match.index + match[0].length;
        return match;
      }
      if (this.closed) throw new ConsoleExpectError(what, this.tail(), 'closed', timeoutMs);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new ConsoleExpectError(what, this.tail(), 'timeout', timeoutMs);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
  }

  /** Everything received since the last match, e.g. a command's output up to its prompt. */
  pending(): string {
    return this.buffer.slice(this.cursor);
  }

  async send(text: string): Promise<void> {
    if (this.closed) throw new Error(`cannot type ${JSON.stringify(text.slice(0, 40))}: the console is closed`);
    await new Promise<void>((resolve, reject) => this.stream.write(text, 'latin1', (error) => (error ? reject(error) : resolve())));
  }

  /** The last `chars` characters received, printable, for error messages. */
  tail(chars = 2048): string {
    return printable(this.buffer.slice(-chars));
  }

  close(): void {
    this.closed = true;
    this.stream.destroy();
  }
}

import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeMinixOptions {
  /** What the console shows first; the real one ends in "login: ". */
  banner?: string;
  /** A command's output and exit status instead of success, e.g. a compile error. */
  fail?: (command: string) => { output: string; rc: number } | undefined;
  /** Flips a byte of what uudecode writes, as a lost character on the line would. */
  corruptTransfer?: boolean;
  /** Stops answering after this many commands, as a hung guest would. */
  silentAfter?: number;
}

const STATUS_SUFFIX = '; echo hb-rc=$?';

/**
 * A MINIX serial console as the transcript shows it: banner, login, a root shell with prompt
 * "minix# ", here-documents with "> ", the tty's echo and its 255-character line limit. It
 * decodes what is sent to uudecode and answers cksum, so the transfer is checked end to end.
 */
export class FakeMinix {
  readonly commands: string[] = [];
  readonly files = new Map<string, Buffer>();
  /** Lines that arrived before the fake had prompted for them (the real tty would drop them). */
  readonly typeAhead: string[] = [];
  /** Lines longer than the real tty keeps. */
  readonly tooLong: string[] = [];
  poweredOff = false;
  /** Resolves when the guest is told to power off. */
  readonly poweroff: Promise<void>;
  private onPoweroff!: () => void;
  path = '';
  private server!: Server;
  private dir = '';
  private socket: Socket | undefined;
  private input = '';
  private state: 'login' | 'shell' | 'heredoc' = 'login';
  private heredoc: { command: string; body: string[] } | undefined;
  private ready = false;

  constructor(private readonly options: FakeMinixOptions = {}) {
    this.poweroff = new Promise((resolve) => (this.onPoweroff = resolve));
  }

  async start(): Promise<void> {
    this.dir = await mkdtemp(join(tmpdir(), 'hb-fake-minix-'));
    this.path = join(this.dir, 'console.sock');
    this.server = createServer((socket) => {
      this.socket = socket;
      socket.setEncoding('latin1');
      socket.on('data', (text: string) => this.onInput(text));
      this.prompt(this.options.banner ?? 'Minix/i386 (minix) (console)\r\n\r\nlogin: ');
    });
    await new Promise<void>((resolve) => this.server.listen(this.path, resolve));
  }

  async stop(): Promise<void> {
    this.socket?.destroy();
    this.server.close();
    await rm(this.dir, { recursive: true, force: true });
  }

  private prompt(text: string): void {
    this.ready = true;
    this.socket?.write(text);
  }

  private onInput(text: string): void {
    this.input += text;
    let newline: number;
    while ((newline = this.input.indexOf('\n')) >= 0) {
      const line = this.input.slice(0, newline);
      this.input = this.input.slice(newline + 1);
      if (!this.ready) this.typeAhead.push(line);
      if (line.length > 255) this.tooLong.push(line);
      this.ready = false;
      this.socket?.write(`${line}\r\n`);
      this.onLine(line);
    }
  }

  private onLine(line: string): void {
    if (this.state === 'login') {
      if (line === 'root') {
        this.state = 'shell';
        this.prompt('minix# ');
      } else {
        this.prompt('Login incorrect\r\nlogin: ');
      }
      return;
    }
    if (this.state === 'heredoc') {
      if (line !== 'HB_EOF') {
        this.heredoc!.body.push(line);
        this.prompt('> ');
        return;
      }
      this.state = 'shell';
      this.finish(this.heredoc!.command, this.uudecode(this.heredoc!.command, this.heredoc!.body));
      return;
    }
    if (line.includes("<<'HB_EOF'")) {
      this.state = 'heredoc';
      this.heredoc = { command: line, body: [] };
      this.prompt('> ');
      return;
    }
    this.commands.push(line);
    if (this.options.silentAfter !== undefined && this.commands.length > this.options.silentAfter) return;
    if (line === 'poweroff') {
      this.poweredOff = true;
      this.onPoweroff();
      this.socket?.end('The system is shutting down.\r\n');
      return;
    }
    this.finish(line, this.execute(line.endsWith(STATUS_SUFFIX) ? line.slice(0, -STATUS_SUFFIX.length) : line));
  }

  private finish(line: string, result: { output: string; rc: number }): void {
    const status = line.endsWith(STATUS_SUFFIX) ? `hb-rc=${result.rc}\r\n` : '';
    this.prompt(`${result.output}${status}minix# `);
  }

  private uudecode(command: string, body: string[]): { output: string; rc: number } {
    const path = command.match(/uudecode -o (\S+)/)?.[1];
    if (!path || body[0] !== 'begin-base64 644 src.tgz' || body.at(-1) !== '====') {
      return { output: 'uudecode: stdin: short file.\r\n', rc: 1 };
    }
    const data = Buffer.from(body.slice(1, -1).join(''), 'base64');
    if (this.options.corruptTransfer) data[data.length >> 1]! ^= 0x20;
    this.files.set(path, data);
    return { output: '', rc: 0 };
  }

  private execute(command: string): { output: string; rc: number } {
    const failure = this.options.fail?.(command);
    if (failure) return { output: failure.output, rc: failure.rc };
    const cksum = command.match(/^cksum -a sha256 -q (\S+)$/);
    if (cksum) {
      const data = this.files.get(cksum[1]!);
      return data ? { output: `${createHash('sha256').update(data).digest('hex')}\r\n`, rc: 0 } : { output: `cksum: ${cksum[1]}: No such file or directory\r\n`, rc: 1 };
    }
    if (command.startsWith('./hb_minix ')) return { output: 'hb: syscall.null: 10 samples\r\nhb: done, 4 benchmarks\r\n', rc: 0 };
    return { output: '', rc: 0 };
  }
}

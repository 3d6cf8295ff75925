import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { connectUnixSocket } from './unix-socket.js';

export interface QmpEvent {
  event: string;
  data?: Record<string, unknown>;
  timestamp?: { seconds: number; microseconds: number };
}

/** A command QEMU answered with `error`. */
export class QmpError extends Error {
  constructor(
    readonly command: string,
    readonly errorClass: string,
    readonly desc: string,
  ) {
    super(`QMP ${command} failed: ${errorClass}: ${desc}`);
    this.name = 'QmpError';
  }
}

interface Pending {
  command: string;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/** QEMU's JSON monitor: greeting, capability negotiation, commands matched by id, async events. */
export class QmpClient extends EventEmitter<{ event: [QmpEvent]; close: [] }> {
  private buffered = '';
  private nextId = 1;
  private readonly pending = new Map<string, Pending>();
  private greeting: Promise<Record<string, unknown>>;
  private resolveGreeting!: (value: Record<string, unknown>) => void;
  private closed = false;

  private constructor(private readonly socket: Socket) {
    super();
    this.greeting = new Promise((resolve) => (this.resolveGreeting = resolve));
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => this.onData(text));
    socket.on('close', () => this.onClose(new Error('QMP connection closed')));
    socket.on('error', (error) => this.onClose(error));
  }

  /** Connects, retrying while QEMU has not created the socket yet, and negotiates capabilities. */
  static async connect(path: string, timeoutMs: number): Promise<QmpClient> {
    const started = Date.now();
    const client = new QmpClient(await connectUnixSocket(path, timeoutMs, 'QMP'));
    try {
      await withTimeout(client.greeting, Math.max(1, timeoutMs - (Date.now() - started)), `a QMP greeting on ${path}`);
      await client.execute('qmp_capabilities');
      return client;
    } catch (error) {
      client.close();
      throw error;
    }
  }

  execute<T = unknown>(command: string, args?: Record<string, unknown>): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`QMP ${command}: connection already closed`));
    const id = String(this.nextId++);
    const message = JSON.stringify({ execute: command, ...(args ? { arguments: args } : {}), id });
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { command, resolve: resolve as (value: unknown) => void, reject });
      this.socket.write(`${message}\n`);
    });
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private onData(text: string): void {
    this.buffered += text;
    let newline: number;
    while ((newline = this.buffered.indexOf('\n')) >= 0) {
      const line = this.buffered.slice(0, newline).trim();
      this.buffered = this.buffered.slice(newline + 1);
      if (line) this.onMessage(JSON.parse(line) as Record<string, unknown>);
    }
  }

  private onMessage(message: Record<string, unknown>): void {
    if ('QMP' in message) {
      this.resolveGreeting(message.QMP as Record<string, unknown>);
      return;
    }
    if ('event' in message) {
      this.emit('event', message as unknown as QmpEvent);
      return;
    }
    const id = typeof message.id === 'string' ? message.id : undefined;
    const pending = id === undefined ? undefined : this.pending.get(id);
    if (!pending || id === undefined) return;
    this.pending.delete(id);
    if ('error' in message) {
      const error = message.error as { class?: string; desc?: string };
      pending.reject(new QmpError(pending.command, error.class ?? 'unknown', error.desc ?? ''));
    } else {
      pending.resolve(message.return);
    }
  }

  private onClose(cause: Error): void {
    if (this.closed && this.pending.size === 0) return;
    this.closed = true;
    for (const { command, reject } of this.pending.values()) reject(new Error(`QMP ${command}: no answer`, { cause }));
    this.pending.clear();
    this.emit('close');
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`expected ${what} within ${ms} ms, got none`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The part of `query-cpus-fast` the harness uses. */
export interface VcpuThread {
  cpuIndex: number;
  threadId: number;
}

export async function queryVcpuThreads(qmp: QmpClient): Promise<VcpuThread[]> {
  const cpus = await qmp.execute<{ 'cpu-index': number; 'thread-id': number }[]>('query-cpus-fast');
  return cpus.map((cpu) => ({ cpuIndex: cpu['cpu-index'], threadId: cpu['thread-id'] }));
}

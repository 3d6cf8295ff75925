import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** Connects to a unix socket QEMU serves, retrying while QEMU has not created it yet. */
export async function connectUnixSocket(path: string, timeoutMs: number, what: string): Promise<Socket> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      return await new Promise<Socket>((resolve, reject) => {
        const socket = connect(path, () => resolve(socket));
        socket.once('error', reject);
      });
    } catch (error) {
      lastError = error;
      await sleep(50);
    }
  }
  throw new Error(`no ${what} connection on ${path} within ${timeoutMs} ms`, { cause: lastError });
}

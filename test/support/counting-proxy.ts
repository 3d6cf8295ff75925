import { connect, createServer, type Socket } from 'node:net';

export interface CountingProxy {
  port: number;
  /** Connections made to the proxy so far. */
  connections: () => number;
  /** Calls `listener` at each connection, as it is accepted. */
  onConnection: (listener: () => void) => void;
  close: () => Promise<void>;
}

/**
 * A TCP proxy on loopback to `target` (which may have nothing listening: then each connection is
 * closed at once, as a refused one would be) that counts the connections made to it.
 */
export async function countingProxy(target: number): Promise<CountingProxy> {
  const sockets = new Set<Socket>();
  const listeners: Array<() => void> = [];
  let count = 0;
  const server = createServer((client) => {
    count++;
    for (const listener of listeners) listener();
    const upstream = connect(target, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    connections: () => count,
    onConnection: (listener) => listeners.push(listener),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// Run in a child process by test/console/flood.test.ts: a ConsoleSession (the MINIX driver's view
// of a guest console) waits for a prompt while a fake guest floods the socket with `FLOOD_BYTES`
// of text without a newline, then binary noise. Prints its memory and what the wait ended with.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsoleExpectError, ConsoleSession } from '../../harness/console/session.js';

const total = Number(process.env.FLOOD_BYTES ?? 100 * 2 ** 20);
const dir = await mkdtemp(join(tmpdir(), 'hb-console-flood-'));
const path = join(dir, 'console.sock');
let accept!: (socket: Socket) => void;
const accepted = new Promise<Socket>((resolve) => (accept = resolve));
const server = createServer(accept);
await new Promise<void>((resolve) => server.listen(path, resolve));

global.gc?.();
const start = process.memoryUsage();
const peak = { rss: start.rss, heapUsed: start.heapUsed };
const sampler = setInterval(() => {
  const now = process.memoryUsage();
  peak.rss = Math.max(peak.rss, now.rss);
  peak.heapUsed = Math.max(peak.heapUsed, now.heapUsed);
}, 5);

const session = await ConsoleSession.connect(path, 5000);
const guest = await accepted;
const started = Date.now();
const waiting = session.expect(/login: /, 120_000, 'a login prompt').then(
  () => ({ outcome: 'matched', tail: '' }),
  (error: unknown) => ({
    outcome: error instanceof ConsoleExpectError ? error.reason : String(error),
    tail: error instanceof ConsoleExpectError ? error.tail : '',
  }),
);
const line = Buffer.alloc(1 << 20, 'A');
let x = 12345;
const noise = Buffer.alloc(1 << 20);
for (let k = 0; k < noise.length; k++) {
  x ^= x << 13;
  x >>>= 0;
  x ^= x >>> 17;
  x ^= x << 5;
  x >>>= 0;
  noise[k] = x & 0xff;
}
for (let sent = 0; sent < total; sent += line.length) {
  const chunk = sent < total / 2 ? line : noise;
  if (!guest.write(chunk)) await new Promise((resolve) => guest.once('drain', resolve));
}
guest.end();
const result = await waiting;
clearInterval(sampler);
const end = process.memoryUsage();
session.close();
server.close();
await rm(dir, { recursive: true, force: true });
process.stdout.write(
  `${JSON.stringify({ ...result, tailLength: result.tail.length, tailPrintable: /^[\x20-\x7e\n\t]*$/.test(result.tail), seconds: (Date.now() - started) / 1000, start, peak: { ...peak, rss: Math.max(peak.rss, process.resourceUsage().maxRSS * 1024) }, end })}\n`,
);

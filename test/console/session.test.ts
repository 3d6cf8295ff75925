import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONSOLE_BUFFER_CHARS, ConsoleExpectError, ConsoleSession } from '../../harness/console/session.js';

/** The guest end of a console: a unix socket server, as QEMU's socket chardev is. */
async function fakeGuest(): Promise<{ path: string; guest: Promise<Socket>; server: Server; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'hb-console-'));
  const path = join(dir, 'console.sock');
  let accept!: (socket: Socket) => void;
  const guest = new Promise<Socket>((resolve) => (accept = resolve));
  const server = createServer(accept);
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return { path, guest, server, dir };
}

describe('ConsoleSession', () => {
  let fake: Awaited<ReturnType<typeof fakeGuest>>;
  let session: ConsoleSession;
  let guest: Socket;

  beforeEach(async () => {
    fake = await fakeGuest();
    session = await ConsoleSession.connect(fake.path, 10_000);
    guest = await fake.guest;
  });

  afterEach(async () => {
    session.close();
    guest.destroy();
    fake.server.close();
    await rm(fake.dir, { recursive: true, force: true });
  });

  // Waits that are meant to succeed get a timeout far beyond what they need (they end as soon as
  // the text is there); only the waits meant to time out are short.
  it('waits for text that arrives in pieces, and types lines the guest receives', async () => {
    let typed = '';
    const received = new Promise<void>((resolve) =>
      guest.on('data', (data) => {
        typed += data.toString();
        if (typed.endsWith('\n')) resolve();
      }),
    );
    const waiting = session.expect(/login: $/, 10_000, 'the login prompt');
    // The second piece is sent only once the first has been written to the socket.
    await new Promise<void>((resolve) => guest.write('Minix/i386 (minix) (console)\n\nlog', () => resolve()));
    guest.write('in: ');
    await waiting;
    await session.send('root\n');
    await received;
    expect(typed).to.equal('root\n');
  });

  it('never takes the same prompt twice', async () => {
    guest.write('# ');
    await session.expect(/# $/, 10_000);
    try {
      await session.expect(/# $/, 100, 'a second prompt');
      expect.fail('expected a timeout');
    } catch (error) {
      expect(error).to.be.instanceOf(ConsoleExpectError);
      expect((error as ConsoleExpectError).reason).to.equal('timeout');
    }
    guest.write('cc -o x x.c\n# ');
    await session.expect(/# $/, 10_000);
  });

  it('times out naming what it waited for and quoting the console tail', async () => {
    guest.write('boot: unknown device\n\x1b[0mPanic\r\n');
    try {
      await session.expect(/login: /, 150, 'the login prompt');
      expect.fail('expected a timeout');
    } catch (error) {
      expect((error as Error).message).to.equal('expected the login prompt on the console within 150 ms, got:\nboot: unknown device\nPanic\n');
    }
  });

  it('fails at once when the guest closes the console', async () => {
    guest.end('shutting down\n');
    try {
      await session.expect(/login: /, 5000, 'the login prompt');
      expect.fail('expected an error');
    } catch (error) {
      expect((error as ConsoleExpectError).reason).to.equal('closed');
      expect((error as Error).message).to.match(/before the console closed, got:\nshutting down/);
    }
  });

  it('keeps at most CONSOLE_BUFFER_CHARS of a flood and still matches what follows', async function () {
    this.timeout(60_000);
    guest.write('x'.repeat(CONSOLE_BUFFER_CHARS * 2));
    guest.write('\n# ');
    await session.expect(/# $/, 50_000);
    expect(session.tail(CONSOLE_BUFFER_CHARS * 4).length).to.be.at.most(CONSOLE_BUFFER_CHARS);
  });
});

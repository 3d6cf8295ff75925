import { expect } from 'chai';
import { gunzipSync } from 'node:zlib';
import { ConsoleExpectError, ConsoleSession } from '../../../harness/console/session.js';
import { driveMinix, MinixStepError, type MinixPlan } from '../../../harness/guests/minix/driver.js';
import { minixSourceArchive } from '../../../harness/guests/minix/transfer.js';
import { FakeMinix, type FakeMinixOptions } from './fake-minix.js';

async function plan(timeouts: Partial<MinixPlan['timeouts']> = {}): Promise<MinixPlan> {
  return {
    archive: await minixSourceArchive(),
    cflags: '-O2 -static -Wall -std=gnu99 -Icommon',
    serviceCflags: '-D_MINIX_SYSTEM=1 -fno-builtin',
    serviceLibs: '-nodefaultlibs -lsys -lminc',
    sources: ['common/bench.c', 'common/crc32.c', 'common/settings.c', 'common/timer.c', 'common/wire_emit.c', 'minix/bench_posix.c', 'minix/bench_sendrec.c', 'minix/benchmarks.c', 'minix/hb_minix.c'],
    serviceSources: ['minix/hb_service.c'],
    settings: ['hb.iterations=10', 'hb.warmup=1', 'hb.bench=syscall.*,ipc.*'],
    // Far beyond what the fake needs (a wait ends as soon as the text is there); the tests of a
    // timeout set a short one.
    timeouts: { loginMs: 30_000, commandMs: 30_000, runMs: 30_000, ...timeouts },
  };
}

async function drive(options: FakeMinixOptions, timeouts: Partial<MinixPlan['timeouts']> = {}) {
  const fake = new FakeMinix(options);
  await fake.start();
  const console = await ConsoleSession.connect(fake.path, 30_000);
  const p = await plan(timeouts);
  try {
    await driveMinix(console, p);
    // poweroff is the last line typed: wait until the fake has taken it.
    await fake.poweroff;
    return { fake, plan: p, error: undefined };
  } catch (error) {
    return { fake, plan: p, error: error as Error };
  } finally {
    console.close();
    await fake.stop();
  }
}

describe('MINIX console automation against a scripted console', function () {
  this.timeout(60_000);

  it('logs in, sends the sources intact, builds, starts the service, runs the payload and powers off', async () => {
    const { fake, plan: p, error } = await drive({});
    expect(error).to.equal(undefined);
    expect(fake.files.get('/root/hb/src.tgz')!.equals(p.archive.data)).to.equal(true);
    expect(gunzipSync(fake.files.get('/root/hb/src.tgz')!).includes('minix/hb_minix.c')).to.equal(true);
    const commands = fake.commands.map((c) => c.replace('; echo hb-rc=$?', ''));
    expect(commands[0]).to.equal('set +o emacs');
    expect(commands).to.include('minix-service up /root/hb/hb_service -config /root/hb/minix/hb_service.conf');
    expect(commands).to.include("./hb_minix hb.iterations=10 hb.warmup=1 'hb.bench=syscall.*,ipc.*' hb.data=/dev/tty01");
    expect(commands.findIndex((c) => c.startsWith('cc $F -D_MINIX_SYSTEM=1'))).to.be.lessThan(commands.findIndex((c) => c.startsWith('minix-service up')));
    expect(fake.poweredOff).to.equal(true);
    expect(fake.typeAhead, 'lines typed before the guest asked for them').to.deep.equal([]);
    expect(fake.tooLong, 'lines longer than the MINIX tty keeps').to.deep.equal([]);
  });

  it('reports a compile error with the compiler\'s output', async () => {
    const { error } = await drive({
      fail: (c) => (c.includes('-o hb_minix') ? { output: "minix/hb_minix.c:42:1: error: unknown type name 'u64_t'\r\n1 error generated.\r\n", rc: 1 } : undefined),
    });
    expect(error).to.be.instanceOf(MinixStepError);
    expect(error!.message).to.match(/^MINIX step "build payload" failed: exit status 1\n--- its output ---\n[\s\S]*unknown type name 'u64_t'/);
  });

  it('reports a service the service manager refuses', async () => {
    const { fake, error } = await drive({
      fail: (c) => (c.startsWith('minix-service up') ? { output: 'Request 0x1600 to RS failed: Operation not permitted (error 1)\r\n', rc: 1 } : undefined),
    });
    expect(error!.message).to.match(/step "start service" failed: exit status 1[\s\S]*Request 0x1600 to RS failed/);
    expect(fake.commands.some((c) => c.startsWith('./hb_minix'))).to.equal(false);
  });

  it('gives up on a console that never shows the login prompt, quoting what it showed', async () => {
    const { error } = await drive({ banner: 'MINIX boot monitor\r\nboot: ' }, { loginMs: 300 });
    expect(error).to.be.instanceOf(ConsoleExpectError);
    expect(error!.message).to.equal('expected the MINIX login prompt on the console within 300 ms, got:\nMINIX boot monitor\nboot: ');
  });

  it('notices sources damaged on the way by their checksum', async () => {
    const { error } = await drive({ corruptTransfer: true });
    expect(error!.message).to.match(/step "checksum sources" failed: expected SHA-256 [0-9a-f]{64} of the sent archive, got [0-9a-f]{64} \(lines lost on the console\?\)/);
  });

  it('times out naming the step when the guest stops answering', async () => {
    const { error } = await drive({ silentAfter: 2 }, { commandMs: 300 });
    expect(error).to.be.instanceOf(ConsoleExpectError);
    expect(error!.message).to.match(/^expected the exit status of "checksum sources" on the console within 300 ms/);
  });
});

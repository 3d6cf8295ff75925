import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GuestConfig } from '../../harness/config/types.js';
import type { PreparedGuest } from '../../harness/guests/adapter.js';
import { linuxAdapter } from '../../harness/guests/linux/adapter.js';
import { projectRoot } from '../../harness/paths.js';
import type { RunEvent } from '../../harness/lifecycle/events.js';
import { runGuestSession } from '../../harness/session/qemu-session.js';

const guest: GuestConfig = {
  name: 'linux',
  os: 'linux',
  vcpus: 1,
  memoryMiB: 256,
  pin: undefined,
  benchmarks: { boots: 1, iterations: 10, warmup: 0, include: ['syscall.null'] },
  peers: [],
  image: {},
};

describe('@guest a guest driven at its console', function () {
  this.timeout(120_000);
  let dir: string;
  let prepared: PreparedGuest;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hb-session-'));
    prepared = await linuxAdapter.prepare(guest, {
      cacheDir: join(projectRoot, '.cache'),
      accel: 'tcg-icount',
      vcpus: 1,
      timeouts: { bootSeconds: 60, benchmarkSeconds: 60, shutdownSeconds: 10 },
      log: () => undefined,
    });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const session = (drive: PreparedGuest['drive'], name: string) => {
    const events: RunEvent[] = [];
    const result = runGuestSession({
      guest,
      prepared: { ...prepared, drive },
      accel: 'tcg-icount',
      vcpus: 1,
      guestDir: join(dir, name),
      timeouts: { bootSeconds: 60, benchmarkSeconds: 60, shutdownSeconds: 10 },
      emit: (e) => events.push(e),
    });
    return { result, events };
  };

  it('reads the console through its socket while logging it to console.log', async () => {
    let seen = '';
    const { result } = session(async (console) => {
      const match = await console.expect(/hb-init: (starting payload)/, 30_000, 'the payload starting');
      seen = match[1]!;
    }, 'ok');
    const outcome = await result;
    expect(outcome.error).to.equal(undefined);
    expect(seen).to.equal('starting payload');
    expect(outcome.stream.complete).to.equal(true);
    // The payload's timer check: a million back-to-back reads, none going backwards.
    expect(outcome.stream.info).to.include({ timer_check_reads: '1000000', timer_backwards: '0' });
    expect(await readFile(join(dir, 'ok', 'console.log'), 'utf8')).to.contain('hb-init: starting payload');
  });

  it("fails the guest with the console step's error when a step fails", async () => {
    const { result } = session((console) => console.expect(/login: /, 300, 'a login prompt').then(() => undefined), 'fails');
    const outcome = await result;
    expect(outcome.error?.phase).to.equal('console');
    expect(outcome.error?.message).to.match(/failed during console: expected a login prompt on the console within 300 ms/);
    expect(outcome.exit?.signal).to.equal('SIGKILL');
  });
});

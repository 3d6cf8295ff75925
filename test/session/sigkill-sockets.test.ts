// Issue 20: "A SIGKILLed run leaves its QMP socket folder (hb-qmp-* in the temporary directory)
// behind". A real process runs a boot's session against a fake QEMU and is SIGKILLed mid-boot;
// what it leaves in its temporary directory is looked at, and what the next run does with it.
import { expect } from 'chai';
import { execa } from 'execa';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { processAlive } from '../../harness/cache/atomic.js';
import { socketDirectory, UNIX_SOCKET_PATH_MAX } from '../../harness/session/socket-dir.js';
import { installFakeQemu } from '../support/fake-qemu/index.js';

const CHILD = join(import.meta.dirname, 'sigkill-session-child.ts');

/** Waits (polling, up to a minute) until `found` returns something. */
async function until<T>(what: string, found: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 3000; i++) {
    const value = await found();
    if (value !== undefined) return value;
    await new Promise((done) => setTimeout(done, 20));
  }
  expect.fail(`expected ${what} within a minute, got none`);
}

describe('a run SIGKILLed mid-boot, and its QMP socket folder', function () {
  this.timeout(120_000);
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'hb-sigkill-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  /** Starts the session process on `guestDir` with TMPDIR `tmp`, waits for QEMU's QMP socket (in `socketsIn()`), SIGKILLs it; returns the fake QEMU's pid. */
  async function killMidBoot(guestDir: string, tmp: string, socketsIn: () => Promise<string | undefined>): Promise<number> {
    const log = join(root, 'qemu-calls.jsonl');
    const fake = await installFakeQemu(root, { log, writes: [{ to: 'console', text: 'hb: booting\n' }], then: 'hang' });
    const kernel = join(root, 'kernel');
    await writeFile(kernel, 'not a kernel: the fake QEMU loads nothing');
    // tsx keeps no cache of its own in TMPDIR, so what is left there is the harness's.
    const child = execa('node', ['--import', 'tsx', CHILD, fake.binary, kernel, guestDir], { reject: false, env: { TMPDIR: tmp, TSX_DISABLE_CACHE: '1' } });
    const socketDir = await until('the QMP socket of the boot', async () => {
      const dir = await socketsIn();
      return dir !== undefined && (await readdir(dir).catch((): string[] => [])).includes('qmp.sock') ? dir : undefined;
    });
    expect(socketDir).to.be.a('string');
    child.kill('SIGKILL');
    const result = await child;
    expect(result.signal).to.equal('SIGKILL');
    const calls = (await readFile(log, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { pid: number; argv: string[] });
    const qemu = calls.find((call) => !call.argv.includes('--version'))!.pid;
    // QEMU dies with the harness (parent-death signal); were it left, the suite's hook would fail too.
    await until(`QEMU (pid ${qemu}) gone with the harness`, async () => (processAlive(qemu) ? undefined : true));
    return qemu;
  }

  it("leaves nothing in the temporary directory: QMP listened in the boot's own folder of the run", async () => {
    const tmp = join(root, 'tmp');
    await mkdir(tmp);
    const guestDir = join(root, 'run', 'guests', 'linux', 'boot-1');
    await mkdir(guestDir, { recursive: true });
    await killMidBoot(guestDir, tmp, async () => guestDir);
    expect(await readdir(tmp)).to.deep.equal([]);
  });

  it('the fallback folder a SIGKILLed run left (boot folder path too long for a socket) is removed by the next run', async () => {
    const tmp = join(root, 'tmp');
    await mkdir(tmp);
    const guestDir = join(root, 'r'.repeat(UNIX_SOCKET_PATH_MAX), 'boot-1');
    await mkdir(guestDir, { recursive: true });
    const fallback = async () => {
      const name = (await readdir(tmp)).find((entry) => entry.startsWith('hb-qmp-'));
      return name === undefined ? undefined : join(tmp, name);
    };
    const left = await killMidBoot(guestDir, tmp, fallback).then(fallback);
    expect(left, 'the killed run cannot remove its own folder').to.be.a('string');
    // The next run's boot, as the session makes its socket folder.
    const next = await socketDirectory(join(root, 's'.repeat(UNIX_SOCKET_PATH_MAX)), ['qmp.sock', 'console.sock'], tmp);
    expect(await readdir(tmp)).to.deep.equal([next.dir.slice(tmp.length + 1)]);
    await next.remove();
    expect(await readdir(tmp)).to.deep.equal([]);
  });
});

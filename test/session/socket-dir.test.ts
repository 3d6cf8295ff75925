import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect } from 'chai';
import { execa } from 'execa';

import { removeStaleSocketDirectories, socketDirectory, UNIX_SOCKET_PATH_MAX } from '../../harness/session/socket-dir.js';

/** The pid of a process that has exited (and been reaped). */
async function deadPid(): Promise<number> {
  const child = execa('true');
  await child;
  return child.pid!;
}

describe("a boot's QEMU socket folder", () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'hb-sock-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it("is the boot's own folder in the run directory when the socket paths fit, and only the sockets are removed", async () => {
    const guestDir = join(root, 'run', 'guests', 'a', 'boot-1');
    await mkdir(guestDir, { recursive: true });
    const sockets = await socketDirectory(guestDir, ['qmp.sock', 'console.sock'], join(root, 'tmp'));
    expect(sockets.dir).to.equal(guestDir);
    await writeFile(join(guestDir, 'qmp.sock'), '');
    await writeFile(join(guestDir, 'data.bin'), 'x');
    await sockets.remove();
    expect(await readdir(guestDir)).to.deep.equal(['data.bin']);
  });

  it('falls back to a short folder named after this process when a path would pass the 107-byte limit', async () => {
    const tmp = join(root, 'tmp');
    await mkdir(tmp);
    const guestDir = join(root, 'x'.repeat(UNIX_SOCKET_PATH_MAX), 'boot-1');
    const sockets = await socketDirectory(guestDir, ['qmp.sock', 'console.sock'], tmp);
    expect(sockets.dir.startsWith(join(tmp, `hb-qmp-${process.pid}-`))).to.equal(true);
    expect((await stat(sockets.dir)).isDirectory()).to.equal(true);
    await sockets.remove();
    expect(await readdir(tmp)).to.deep.equal([]);
  });

  it('removes the folders a SIGKILLed run left (their pid is gone) before making one, and no other', async () => {
    const tmp = join(root, 'tmp');
    const gone = `hb-qmp-${await deadPid()}-abcdef`;
    const mine = `hb-qmp-${process.pid}-abcdef`;
    const live = `hb-qmp-1-abcdef`; // init: always there
    const other = 'hb-qmp-Xy12ab'; // the former name, with no pid: not known to be stale
    for (const name of [gone, mine, live, other]) await mkdir(join(tmp, name, 'sub'), { recursive: true });
    expect(await removeStaleSocketDirectories(tmp)).to.deep.equal([gone]);
    expect((await readdir(tmp)).sort()).to.deep.equal([live, other, mine].sort());
    // A fallback folder cleans up the same way.
    await mkdir(join(tmp, gone));
    const sockets = await socketDirectory(join(root, 'y'.repeat(UNIX_SOCKET_PATH_MAX)), ['qmp.sock'], tmp);
    expect(await readdir(tmp)).not.to.include(gone);
    await sockets.remove();
  });
});

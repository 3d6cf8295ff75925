import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pinThread, readThreadAffinity } from '../../harness/host/affinity.js';
import { baseArgs, qmpArgs } from '../../harness/qemu/argv.js';
import { QemuProcess } from '../../harness/qemu/process.js';
import { QmpClient, QmpError, queryVcpuThreads } from '../../harness/qemu/qmp.js';

describe('@host QMP client against a real, paused QEMU', function () {
  this.timeout(30_000);
  let dir: string;
  let qemu: QemuProcess;
  let qmp: QmpClient;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hb-qmp-test-'));
    // No kernel: with -S the machine never runs, which is all QMP needs.
    qemu = QemuProcess.start('qemu-system-x86_64', [...baseArgs(), '-accel', 'tcg,thread=multi', '-smp', '2', ...qmpArgs(join(dir, 'q.sock')), '-S']);
    qmp = await QmpClient.connect(join(dir, 'q.sock'), 15_000);
  });

  after(async () => {
    qmp?.close();
    await qemu?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers a command after capability negotiation', async () => {
    const status = await qmp.execute<{ running: boolean; status: string }>('query-status');
    expect(status.running).to.equal(false);
    expect(status.status).to.equal('prelaunch');
  });

  it('turns an error reply into a QmpError naming the command and class', async () => {
    try {
      await qmp.execute('no-such-command');
      expect.fail('expected a QmpError');
    } catch (error) {
      expect(error).to.be.instanceOf(QmpError);
      expect((error as QmpError).errorClass).to.equal('CommandNotFound');
      expect((error as Error).message).to.match(/^QMP no-such-command failed: CommandNotFound/);
    }
  });

  it('lists one host thread per vCPU under MTTCG, which can be pinned and read back', async () => {
    const threads = await queryVcpuThreads(qmp);
    expect(threads.map((t) => t.cpuIndex)).to.deep.equal([0, 1]);
    expect(new Set(threads.map((t) => t.threadId)).size).to.equal(2);
    for (const { cpuIndex, threadId } of threads) {
      await pinThread(threadId, cpuIndex);
      expect(await readThreadAffinity(qemu.pid!, threadId)).to.equal(String(cpuIndex));
    }
  });

  it('delivers asynchronous events', async () => {
    const seen: string[] = [];
    const stopped = new Promise<void>((resolve) =>
      qmp.on('event', (event) => {
        seen.push(event.event);
        if (event.event === 'STOP') resolve();
      }),
    );
    await qmp.execute('cont');
    await qmp.execute('stop');
    await stopped;
    expect(seen).to.include.members(['RESUME', 'STOP']);
  });

  it("reports QEMU's own exit as a closed connection", async () => {
    const closed = new Promise<void>((resolve) => qmp.once('close', resolve));
    await qmp.execute('quit').catch(() => undefined);
    await closed;
    const exit = await qemu.exited;
    expect(exit.exitCode).to.equal(0);
  });
});

describe('QMP connection errors', () => {
  it('gives up on a socket nobody serves, saying where and how long', async () => {
    try {
      await QmpClient.connect('/nonexistent/hb-qmp.sock', 300);
      expect.fail('expected an error');
    } catch (error) {
      expect((error as Error).message).to.equal('no QMP connection on /nonexistent/hb-qmp.sock within 300 ms');
      expect((error as Error).cause).to.be.instanceOf(Error);
    }
  });
});

import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { settingLines } from '../../../harness/guests/payload-build.js';
import { projectRoot } from '../../../harness/paths.js';

/**
 * The Linux payload's round trips run both sides SCHED_BATCH, so a wake-up never preempts the
 * waker and every sample takes the same kernel path (guests/linux/bench_ipc.c, docs/metrics.md);
 * the initiator goes back to SCHED_OTHER for the next benchmark, and nothing else changes policy.
 * Seen on the host through strace's record of sched_setscheduler.
 */
describe('@host the Linux payload scheduling its round trips SCHED_BATCH, on the host', function () {
  this.timeout(120_000);
  let dir: string;
  let payload: string;

  before(async function () {
    if ((await execa('strace', ['-V'], { reject: false }).catch(() => ({ exitCode: 1 }))).exitCode !== 0) this.skip();
    dir = await mkdtemp(join(tmpdir(), 'hb-batch-'));
    payload = join(dir, 'hb-payload');
    const sources = (await settingLines('linux', 'SOURCES')).map((s) => join('guests', s));
    const cflags = (await settingLines('linux', 'CFLAGS')).join(' ').split(/\s+/);
    await execa('gcc', [...cflags, '-o', payload, ...sources], { cwd: projectRoot });
  });

  after(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));

  /** The payload's sched_setscheduler calls for one benchmark: [pid, policy, result] in order. */
  async function policyCalls(bench: string): Promise<[string, string, string][]> {
    const trace = join(dir, `${bench}.strace`);
    const args = ['-f', '-qq', '-e', 'trace=sched_setscheduler', '-o', trace];
    const run = await execa('strace', [...args, payload, '--iterations', '20', '--warmup', '2', '--bench', bench, '--data', join(dir, 'data.bin')], { cwd: dir, reject: false });
    expect(run.exitCode, run.stderr).to.equal(0);
    expect(run.stderr).to.contain(`hb: ${bench}: 20 samples`);
    const calls: [string, string, string][] = [];
    for (const line of (await readFile(trace, 'utf8')).split('\n')) {
      const m = /^(\d+)\s+sched_setscheduler\(0, (\w+), \[0\]\)\s+=\s+(-?\d+)/.exec(line);
      if (m) calls.push([m[1]!, m[2]!, m[3]!]);
    }
    return calls;
  }

  for (const bench of ['ipc.roundtrip.pipe.thread.same', 'ipc.roundtrip.futex.process.same', 'ipc.roundtrip.eventfd.thread.cross']) {
    it(`${bench}: initiator and responder SCHED_BATCH, then the initiator back to SCHED_OTHER`, async function () {
      // The cross placement needs a second CPU to pin the responder on.
      const cpus = Number((await execa('nproc')).stdout);
      if (bench.endsWith('.cross') && cpus < 2) this.skip();
      const calls = await policyCalls(bench);
      expect(calls.map(([, policy, rc]) => [policy, rc])).to.deep.equal([
        ['SCHED_BATCH', '0'],
        ['SCHED_BATCH', '0'],
        ['SCHED_OTHER', '0'],
      ]);
      const [initiator, responder, restorer] = calls.map(([pid]) => pid);
      expect(responder).not.to.equal(initiator);
      expect(restorer).to.equal(initiator);
    });
  }

  for (const bench of ['syscall.null', 'ctxswitch.yield', 'ctxswitch.futex']) {
    it(`${bench}: leaves the policy alone`, async () => {
      expect(await policyCalls(bench)).to.deep.equal([]);
    });
  }
});

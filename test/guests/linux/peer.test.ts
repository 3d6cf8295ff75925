import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { settingLines } from '../../../harness/guests/payload-build.js';
import { projectRoot } from '../../../harness/paths.js';
import { WireDecoder } from '../../../harness/wire/decoder.js';
import { StreamAssembler, type GuestStream } from '../../../harness/wire/stream.js';

/** Whether a process runs (exists and is no zombie). */
function running(pid: number): boolean {
  try {
    return !/\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, 'latin1'));
  } catch {
    return false;
  }
}

/**
 * The Linux payload's peer runner on the host, with a stand-in for perf (a shell script at a path
 * compiled in): whatever perf does, our figures are sent and the PEER record says what happened.
 */
describe('@host the Linux payload running a peer (hb.peers=perf), on the host', function () {
  this.timeout(120_000);
  let dir: string;
  let payload: string;
  const fakePerf = () => join(dir, 'perf');

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hb-peer-'));
    payload = join(dir, 'hb-payload');
    const sources = (await settingLines('linux', 'SOURCES')).map((s) => join('guests', s));
    const cflags = (await settingLines('linux', 'CFLAGS')).join(' ').split(/\s+/);
    await execa('gcc', [...cflags, `-DHB_PERF_PATH="${fakePerf()}"`, '-DPEER_TIMEOUT_MS=1500', '-o', payload, ...sources], { cwd: projectRoot });
  });

  after(() => rm(dir, { recursive: true, force: true }));

  async function runPayload(peers = 'perf'): Promise<GuestStream> {
    const data = join(dir, 'data.bin');
    const args = ['--iterations', '20', '--warmup', '2', '--bench', 'syscall.null', '--data', data, ...(peers ? ['--peers', peers] : [])];
    await execa(payload, args, { cwd: dir });
    const decoder = new WireDecoder();
    const assembler = new StreamAssembler();
    for (const record of decoder.push(await readFile(data))) assembler.push(record);
    decoder.finish();
    expect(assembler.stream.complete).to.equal(true);
    expect(assembler.stream.benchmarks.map((b) => b.metric)).to.deep.equal(['syscall.null']);
    return assembler.stream;
  }

  async function script(body: string): Promise<void> {
    await writeFile(fakePerf(), `#!/bin/sh\n${body}\n`);
    await chmod(fakePerf(), 0o755);
  }

  it('runs both perf benchmarks with at least 100000 loops, pinned to vCPU 0, and sends their output', async () => {
    await script('echo "# Running \'$2/$3\' benchmark: $4 $5"; printf "\\n     Total time: 0.001 [sec]\\n\\n       0.329280 usecs/op\\n\\t3036929 ops/sec\\n"');
    const { peers } = await runPayload();
    expect(peers.map((p) => [p.bench, p.compareWith, p.command, p.loops, p.exit, p.vcpus, p.affinity])).to.deep.equal([
      ['sched-pipe', 'ipc.roundtrip.pipe.process.same', 'perf bench sched pipe -l 100000', 100000, '0', '0', '0'],
      ['syscall-basic', 'syscall.null', 'perf bench syscall basic -l 100000', 100000, '0', '0', '0'],
    ]);
    expect(peers[0]!.output).to.equal("# Running 'sched/pipe' benchmark: -l 100000 | Total time: 0.001 [sec] | 0.329280 usecs/op | 3036929 ops/sec");
    expect(peers[0]!.reason).to.equal(undefined);
  });

  it('reports a perf that exits non-zero, with what it printed on stderr', async () => {
    await script('echo "perf: cannot load libpython3.11.so.1.0" >&2; exit 3');
    const { peers } = await runPayload();
    expect(peers).to.have.length(2);
    for (const p of peers) expect(p).to.deep.include({ exit: '3', output: 'perf: cannot load libpython3.11.so.1.0', reason: 'perf exited with 3' });
  });

  it('kills a perf that hangs, with the processes it started, after its timeout', async () => {
    // The background sleeper keeps the output pipe open: only killing the process group ends it.
    // Each perf run notes its sleeper's pid; every one must be gone once the payload has finished
    // (were it waited for instead of killed, the payload would not finish before it).
    const sleepers = join(dir, 'sleepers');
    await rm(sleepers, { force: true });
    await script(`sleep 300 & echo $! >> '${sleepers}'; echo started; sleep 300`);
    const { peers } = await runPayload();
    for (const p of peers) expect(p).to.deep.include({ exit: 'signal 9', output: 'started', reason: 'killed after 1.5 s (guest time) without finishing' });
    const pids = (await readFile(sleepers, 'utf8')).trim().split('\n').map(Number);
    expect(pids).to.have.length(peers.length);
    // SIGKILL has been sent to them; they are gone once the kernel has torn them down.
    for (let waited = 0; waited < 10_000 && pids.some(running); waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    for (const pid of pids) expect(running(pid), `sleeper ${pid} of a killed perf`).to.equal(false);
  });

  it('reports a missing perf without running anything', async () => {
    await rm(fakePerf(), { force: true });
    const { peers } = await runPayload();
    for (const p of peers) {
      expect(p.exit).to.equal('none');
      expect(p.reason).to.match(/perf not in the guest \(No such file or directory\): the initramfs was built without peers: \[perf\]/);
    }
  });

  it('runs no peer without --peers, and refuses an unknown one', async () => {
    expect((await runPayload('')).peers).to.deep.equal([]);
    const result = await execa(payload, ['--peers', 'lmbench', '--data', join(dir, 'x.bin')], { reject: false });
    expect(result.exitCode).to.equal(2);
    expect(result.stderr).to.contain("peers: 'lmbench' is not a known peer (known: perf)");
  });
});

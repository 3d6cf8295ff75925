import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import Ajv from 'ajv';
import { loadConfig } from '../../harness/config/index.js';
import type { RunEvent } from '../../harness/lifecycle/events.js';
import { runBenchmarks, type RunOutcome } from '../../harness/runner/run.js';
import { generateKeyPair } from '../../harness/ssh/keys.js';
import { countingProxy } from '../support/counting-proxy.js';
import { writeTempConfig } from '../support/temp-config.js';
import { freePort, sshdAvailable, startSshd, type LoopbackSshd } from '../support/sshd.js';

/** Processes whose command line runs an uploaded payload (/tmp/hb-payload.XXXXXXXX/hb-payload). */
function runningPayloads(): string[] {
  const found: string[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'latin1').split('\0').join(' ');
      if (/\/tmp\/hb-payload\.[A-Za-z0-9]+\/hb-payload/.test(cmdline)) found.push(`${name}: ${cmdline}`);
    } catch {
      // gone
    }
  }
  return found;
}

describe('@host ssh target (no QEMU) against a real sshd on loopback', function () {
  this.timeout(10 * 60_000);
  let sshd: LoopbackSshd;
  const dirs: string[] = [];

  before(async () => {
    if (!(await sshdAvailable())) throw new Error('expected /usr/sbin/sshd (Debian package openssh-server; scripts/setup.sh installs it)');
    sshd = await startSshd();
  });
  after(async () => {
    if (!process.env.HB_KEEP_TEST_DIRS) for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    const left = await sshd?.stop();
    expect(left ?? [], 'sshd session processes left behind').to.deep.equal([]);
  });
  afterEach(async () => {
    // Every session the harness opened is closed and every payload it started has ended.
    // They end once sshd and the payload see the close; how soon is the machine's business.
    const deadline = Date.now() + 30_000;
    while ((sshd.sessions().length > 0 || runningPayloads().length > 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(sshd.sessions(), 'sshd sessions still open').to.deep.equal([]);
    expect(runningPayloads(), 'payloads still running').to.deep.equal([]);
  });

  async function runTarget(target: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<{ outcome: RunOutcome; events: RunEvent[] }> {
    const { dir, file } = await writeTempConfig({
      timeouts: { bootSeconds: 60, benchmarkSeconds: 60, shutdownSeconds: 10 },
      bootstrap: { resamples: 200, seed: 3 },
      guests: [
        {
          name: 'box',
          os: 'linux',
          reach: 'ssh',
          benchmarks: { iterations: 300, warmup: 30, include: ['syscall.null', 'ctxswitch.yield', 'ipc.roundtrip.pipe.thread.same'] },
          target: { host: '127.0.0.1', port: sshd.port, user: sshd.user, key: sshd.clientKey.privateKeyPath, hostKey: sshd.hostKey.fingerprint, ...target },
          ...extra,
        },
      ],
    });
    dirs.push(dir);
    const events: RunEvent[] = [];
    const outcome = await runBenchmarks(await loadConfig(file), { emit: (e) => events.push(e) });
    return { outcome, events };
  }

  describe('payload built here, records over the SSH channel', () => {
    let run: Awaited<ReturnType<typeof runTarget>>;
    before(async () => {
      run = await runTarget({ cpus: [0] });
    });

    it('measures on the machine itself, in real TSC ticks, and reports them', async () => {
      const { outcome } = run;
      expect(outcome.failed, JSON.stringify(outcome.failed)).to.deep.equal([]);
      expect(outcome.complete).to.equal(true);
      expect(outcome.results.map((r) => r.metric).sort()).to.deep.equal(['ctxswitch.yield', 'ipc.roundtrip.pipe.thread.same', 'syscall.null']);
      for (const r of outcome.results) {
        expect(r).to.include({ guest: 'box', os: 'linux', accel: 'native', unit: 'tsc-ticks' });
        expect(r.n + r.settling.dropped).to.equal(300);
      }
      const report = await readFile(join(outcome.runDir, 'report.md'), 'utf8');
      expect(report).to.contain('## box').and.to.contain('syscall.null').and.to.contain('native');
      const schema = JSON.parse(await readFile(join(outcome.runDir, 'results.schema.json'), 'utf8'));
      const doc = JSON.parse(await readFile(join(outcome.runDir, 'results.json'), 'utf8'));
      const validate = new Ajv.default({ allErrors: true, strict: true }).compile(schema);
      expect(validate(doc), JSON.stringify(validate.errors)).to.equal(true);
    });

    it("records the target's CPU, kernel and governors read over SSH, and no QEMU", async () => {
      const manifest = JSON.parse(await readFile(join(run.outcome.runDir, 'manifest.json'), 'utf8'));
      const guest = manifest.guests[0];
      expect(guest).to.include({ os: 'linux', reach: 'ssh' });
      expect(guest.accel).to.equal('native');
      expect(guest.qemuVersion).to.equal(undefined);
      const { provenance } = guest;
      const model = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.replace(/\s+/g, ' ').trim();
      expect(provenance.targetCpu).to.equal(model);
      expect(provenance.targetKernel).to.match(/^Linux \d/);
      expect(provenance.targetGovernors).to.be.a('string').and.not.equal('');
      expect(provenance.targetHostKey).to.equal(sshd.hostKey.fingerprint);
      expect(provenance.targetPinnedCpus).to.equal('0');
      expect(provenance.payloadBuiltOn).to.equal('harness host');
      expect(guest.boots[0].guestInfo.kernel).to.match(/^\d+\.\d+/);
      expect(guest.boots[0].guestAffinity['syscall.null']).to.equal('0');
      expect(guest.boots[0].argv.join(' ')).to.contain('taskset -c 0');
      const console = await readFile(join(run.outcome.runDir, 'guests', 'box', 'boot-1', 'console.log'), 'utf8');
      expect(console).to.contain('hb: done, 3 benchmarks');
      expect((await readFile(join(run.outcome.runDir, 'guests', 'box', 'boot-1', 'data.bin'))).length).to.equal(guest.boots[0].dataBytes);
    });

    it('reports progress events like a QEMU guest', () => {
      const types = run.events.map((e) => e.type).filter((t) => t !== 'benchmark-progress' && t !== 'guest-preparing' && t !== 'host-warning');
      expect(types).to.deep.equal([
        'run-start',
        'guest-booting',
        'guest-started',
        'benchmark-begin',
        'benchmark-end',
        'benchmark-begin',
        'benchmark-end',
        'benchmark-begin',
        'benchmark-end',
        'payload-done',
        'guest-done',
        'run-done',
      ]);
    });
  });

  it('builds the payload on the target from the same sources when asked', async () => {
    const { outcome } = await runTarget({ build: 'target' }, { benchmarks: { iterations: 100, warmup: 10, include: ['syscall.null'] } });
    expect(outcome.failed, JSON.stringify(outcome.failed)).to.deep.equal([]);
    expect(outcome.results.map((r) => r.metric)).to.deep.equal(['syscall.null']);
    const manifest = JSON.parse(await readFile(join(outcome.runDir, 'manifest.json'), 'utf8'));
    expect(manifest.guests[0].provenance).to.include({ payloadBuiltOn: 'target' });
    expect(manifest.guests[0].provenance.payloadCompiler).to.match(/gcc/);
    const console = await readFile(join(outcome.runDir, 'guests', 'box', 'boot-1', 'console.log'), 'utf8');
    expect(console).to.contain('building the payload on the target');
  });

  it('refuses a target whose host key is not the expected one, saying which it got', async () => {
    const other = await generateKeyPair(join(sshd.dir, 'not-the-host'), 'x');
    // Through a proxy that counts connections: refused at the first, not retried.
    const proxy = await countingProxy(sshd.port);
    let outcome: RunOutcome;
    try {
      ({ outcome } = await runTarget({ hostKey: other.fingerprint, port: proxy.port }));
    } finally {
      await proxy.close();
    }
    expect(outcome.complete).to.equal(false);
    expect(outcome.results).to.deep.equal([]);
    expect(outcome.failed).to.have.length(1);
    expect(outcome.failed[0]!.reason).to.contain('refusing the SSH server').and.to.contain(other.fingerprint).and.to.contain(sshd.hostKey.fingerprint);
    expect(proxy.connections(), 'connections (not retried)').to.equal(1);
  });

  it('gives a clear error within target.connectSeconds when nothing listens', async () => {
    const port = await freePort();
    const { outcome } = await runTarget({ port, connectSeconds: 3 });
    // Given up after connectSeconds, as the message says (a hang would be the test's timeout).
    expect(outcome.failed).to.have.length(1);
    expect(outcome.failed[0]!.reason)
      .to.match(new RegExp(`expected an SSH server at .*127\\.0\\.0\\.1:${port} within 3 s, got none`))
      .and.to.contain('connection refused');
  });

  it('kills the payload and removes it when the run is interrupted mid-benchmark', async () => {
    const { dir, file } = await writeTempConfig({
      timeouts: { bootSeconds: 60, benchmarkSeconds: 60, shutdownSeconds: 10 },
      guests: [
        {
          name: 'box',
          os: 'linux',
          reach: 'ssh',
          benchmarks: { iterations: 3_000_000, warmup: 0, include: ['ctxswitch.yield'] },
          target: { host: '127.0.0.1', port: sshd.port, user: sshd.user, key: sshd.clientKey.privateKeyPath, hostKey: sshd.hostKey.publicKey.line },
        },
      ],
    });
    dirs.push(dir);
    const controller = new AbortController();
    const outcome = await runBenchmarks(await loadConfig(file), {
      emit: (e) => {
        // As soon as the payload has begun its benchmark (3 000 000 iterations: it cannot be done yet).
        if (e.type === 'benchmark-begin') setImmediate(() => controller.abort(new Error('test interrupt')));
      },
      signal: controller.signal,
    });
    expect(outcome.interrupted).to.be.a('string');
    expect(
      readdirSync('/tmp').filter((n) => n.startsWith('hb-payload.')),
      'upload directories left in /tmp',
    ).to.deep.equal([]);
  });
});

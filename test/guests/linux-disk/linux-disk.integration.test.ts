import { expect } from 'chai';
import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '../../../harness/config/index.js';
import { sshGuestDeploy } from '../../../harness/deploy/guest-ssh.js';
import { linuxDiskAdapter } from '../../../harness/guests/linux-disk/adapter.js';
import { buildDiskImage } from '../../../harness/guests/linux-disk/image.js';
import { runGuestSession } from '../../../harness/session/qemu-session.js';
import type { RunEvent } from '../../../harness/lifecycle/events.js';
import { runBenchmarks, type RunOutcome } from '../../../harness/runner/run.js';
import { generateKeyPair, harnessKey } from '../../../harness/ssh/keys.js';
import { buildPayload } from '../../../harness/guests/payload-build.js';
import { projectRoot } from '../../../harness/paths.js';
import { suiteQemus } from '../../support/no-leftover-qemu.js';
import { writeTempConfig } from '../../support/temp-config.js';

const cacheDir = join(projectRoot, '.cache');
const BENCHMARKS = { iterations: 200, warmup: 20, include: ['syscall.null', 'ctxswitch.yield'] };

describe('@guest Debian disk guest (linux-disk), payload deployed over SSH', function () {
  this.timeout(30 * 60_000);
  const dirs: string[] = [];
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  describe('beside the initramfs guest, under tcg-icount', () => {
    let outcome: RunOutcome;
    let events: RunEvent[];
    let diskBefore: { mtimeMs: number; size: number };
    let diskPath: string;
    before(async () => {
      // Built (or found in the cache) first, so the run's boot timeout is about booting only.
      const image = await buildDiskImage(cacheDir, 'linux-image-cloud-amd64', () => undefined);
      diskPath = image.disk;
      diskBefore = await stat(image.disk);
      const { dir, file } = await writeTempConfig({
        accel: 'tcg-icount',
        timeouts: { bootSeconds: 600, benchmarkSeconds: 120, shutdownSeconds: 60 },
        bootstrap: { resamples: 300, seed: 5 },
        report: { baseline: 'linux' },
        guests: [
          { name: 'linux', os: 'linux', vcpus: 1, pin: [0], memoryMiB: 256, benchmarks: BENCHMARKS },
          { name: 'linux-disk', os: 'linux', variant: 'disk', deploy: 'ssh', vcpus: 1, pin: [0], memoryMiB: 512, benchmarks: BENCHMARKS },
        ],
      });
      dirs.push(dir);
      events = [];
      outcome = await runBenchmarks(await loadConfig(file), { emit: (e) => events.push(e) });
    });

    it('boots the image, deploys over SSH and reports both guests', () => {
      expect(outcome.failed, JSON.stringify(outcome.failed)).to.deep.equal([]);
      expect(outcome.complete).to.equal(true);
      for (const guest of ['linux', 'linux-disk']) {
        expect(outcome.results.filter((r) => r.guest === guest).map((r) => r.metric).sort(), guest).to.deep.equal(['ctxswitch.yield', 'syscall.null']);
      }
      for (const r of outcome.results) expect(r.unit).to.equal('guest-instructions');
    });

    it('measures syscall.null within 5% of the initramfs guest with the same kernel', () => {
      const figure = (guest: string) => outcome.results.find((r) => r.guest === guest && r.metric === 'syscall.null')!.median;
      // Measured: 335 guest instructions in both (kernel 6.1.0-56-cloud-amd64, QEMU 7.2).
      expect(figure('linux-disk') / figure('linux')).to.be.within(0.95, 1.05);
    });

    it('puts linux-disk beside linux in the report', async () => {
      const report = await readFile(join(outcome.runDir, 'report.md'), 'utf8');
      const table = report.slice(report.indexOf('### Null system call'));
      expect(table).to.match(/\| linux \| getppid/).and.to.match(/\| linux-disk \| getppid/);
      expect(report).to.contain('## linux-disk');
    });

    it('records the same kernel package version, the image and the host key checked, a clean power-off', async () => {
      const manifest = JSON.parse(await readFile(join(outcome.runDir, 'manifest.json'), 'utf8'));
      const [linux, disk] = manifest.guests;
      expect(disk).to.include({ os: 'linux', variant: 'disk' });
      expect(disk.provenance.kernelPackageVersion).to.equal(linux.provenance.kernelPackageVersion);
      expect(disk.provenance.kernelSha256).to.equal(linux.provenance.kernelSha256);
      expect(disk.provenance.imagePackages).to.match(/(^| )openssh-server=/).and.to.match(/(^| )systemd=/);
      expect(disk.provenance.guestHostKey).to.match(/^ssh-ed25519 SHA256:/);
      const [boot] = disk.boots;
      expect(boot.guestInfo.kernel).to.equal(linux.boots[0].guestInfo.kernel);
      expect(boot.qemuExit.exitCode, "QEMU exits by the guest powering off").to.equal(0);
      const argv = boot.argv.join(' ');
      expect(argv).to.contain('-snapshot').and.to.match(/hostfwd=tcp:127\.0\.0\.1:\d+-:22/).and.to.contain('restrict=on');
      const sshLog = await readFile(join(outcome.runDir, 'guests', 'linux-disk', 'boot-1', 'ssh.log'), 'utf8');
      expect(sshLog).to.match(/logged in as root after [\d.]+ s \(host key ssh-ed25519 checked\)/).and.to.contain('hb: done, 2 benchmarks').and.to.contain('systemctl poweroff --force --force');
      const console = await readFile(join(outcome.runDir, 'guests', 'linux-disk', 'boot-1', 'console.log'), 'utf8');
      expect(console).to.contain('reboot: Power down');
    });

    it('never writes to the cached image (-snapshot)', async () => {
      const after = await stat(diskPath);
      expect({ mtimeMs: after.mtimeMs, size: after.size }).to.deep.equal({ mtimeMs: diskBefore.mtimeMs, size: diskBefore.size });
    });
  });

  describe('SSH failures', () => {
    async function bootWith(deployHostKey: 'recorded' | 'other', bootSeconds: number) {
      const { dir, file } = await writeTempConfig({
        accel: 'tcg-icount',
        timeouts: { bootSeconds, benchmarkSeconds: 60, shutdownSeconds: 30 },
        guests: [{ name: 'linux-disk', os: 'linux-disk', vcpus: 1, pin: [0], benchmarks: BENCHMARKS }], // the earlier spelling of os: linux, variant: disk, on purpose
      });
      dirs.push(dir);
      const config = await loadConfig(file);
      const guest = config.guests[0]!;
      const prepared = await linuxDiskAdapter.prepare(guest, { cacheDir, accel: 'tcg-icount', vcpus: 1, timeouts: config.timeouts, log: () => undefined });
      if (deployHostKey === 'other') {
        const other = await generateKeyPair(join(dir, 'other'), 'not the guest');
        const payload = await buildPayload({ os: 'linux', cacheDir });
        prepared.deploy = sshGuestDeploy({
          hostKey: other.publicKey,
          privateKeyPath: (await harnessKey(cacheDir)).privateKeyPath,
          user: 'root',
          payload: { kind: 'binary', path: payload.path, sha256: payload.sha256 },
          benchmarks: guest.benchmarks,
          poweroff: 'systemctl poweroff',
        });
      }
      const started = Date.now();
      const session = await runGuestSession({ guest, prepared, accel: 'tcg-icount', vcpus: 1, guestDir: join(dir, 'boot'), timeouts: config.timeouts, emit: () => undefined });
      return { session, seconds: (Date.now() - started) / 1000, dir };
    }

    it('refuses a guest whose host key is not the one recorded at build time, and stops QEMU', async () => {
      const { session, dir } = await bootWith('other', 600);
      expect(session.error?.phase).to.equal('deploy');
      expect(session.error?.message).to.contain('refusing the SSH server at root@127.0.0.1:').and.to.match(/expected the host key ssh-ed25519 SHA256:\S+, got ssh-ed25519 SHA256:/);
      expect(session.stream.complete).to.equal(false);
      expect(suiteQemus().filter((q) => q.args.includes(dir))).to.deep.equal([]);
    });

    it('gives a clear error within the boot timeout when the SSH server does not answer in time', async () => {
      // 8 s is far too short for the guest to boot under tcg-icount: nothing answers behind the forwarded port.
      const { session, seconds, dir } = await bootWith('recorded', 8);
      expect(session.error, 'the boot fails').to.not.equal(undefined);
      expect(session.error!.message).to.match(/expected an SSH server at root@127\.0\.0\.1:\d+ within \d+ s, got none|expected data-channel records, got none within the 8 s boot timeout/);
      expect(seconds).to.be.below(8 + 20);
      expect(suiteQemus().filter((q) => q.args.includes(dir))).to.deep.equal([]);
    });
  });
});

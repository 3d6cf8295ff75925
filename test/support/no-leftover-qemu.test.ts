// The suite's own check that no QEMU outlives it (test/support/no-leftover-qemu.ts, issue 7).
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { projectRoot } from '../../harness/paths.js';
import { FAKE_QEMU_SCRIPT, installFakeQemu } from './fake-qemu/index.js';
import { SLURM_PROGRAM, SUITE_TAG_ENV, suiteQemus, suiteTmp } from './no-leftover-qemu.js';

/** Whether a process runs (exists and is no zombie). */
function alive(pid: number): boolean {
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'latin1'));
  } catch {
    return false;
  }
}

function readCmdline(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1');
  } catch {
    return '';
  }
}

/** Starts a hanging fake QEMU orphaned through a shell that exits at once; returns its pid. */
async function orphanQemu(binary: string, env: NodeJS.ProcessEnv): Promise<number> {
  const shell = spawn('sh', ['-c', `'${binary}' -nodefaults -display none & echo $!`], { detached: true, stdio: ['ignore', 'pipe', 'ignore'], env });
  // Orphaned only once the shell has exited (until then the QEMU is its child).
  const shellExited = new Promise((resolve) => shell.once('exit', resolve));
  const pid = await new Promise<string>((resolve) => shell.stdout!.once('data', (data: Buffer) => resolve(data.toString().trim())));
  // `echo $!` answers before the child has exec'd (and then it is the shell, then the wrapper):
  // wait until it is the fake QEMU itself, which it stays.
  for (let waited = 0; waited < 10_000 && !readCmdline(pid).includes(FAKE_QEMU_SCRIPT); waited += 20) await sleep(20);
  await shellExited;
  return Number(pid);
}

describe('the check for QEMUs left after the suite', function () {
  this.timeout(120_000);
  let dir: string;
  const started: number[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hb-leftover-'));
  });
  after(async () => {
    for (const pid of started) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('counts a QEMU of this suite even once orphaned, and never one started outside it', async () => {
    const fake = await installFakeQemu(dir, { then: 'hang' });
    const ours = await orphanQemu(fake.binary, process.env);
    // Outside the suite: no tag, another temporary directory, not our descendant.
    const { [SUITE_TAG_ENV]: _tag, ...env } = process.env;
    const outside = await mkdtemp(join(dirname(suiteTmp), 'hb-not-this-suite-'));
    const other = await installFakeQemu(outside, { then: 'hang' });
    const theirs = await orphanQemu(other.binary, { ...env, TMPDIR: dirname(suiteTmp) });
    started.push(ours, theirs);
    const found = suiteQemus();
    expect(found.map((q) => q.pid)).to.include(ours);
    expect(found.find((q) => q.pid === ours)!.why).to.include('environment');
    expect(found.map((q) => q.pid)).not.to.include(theirs);
    for (const pid of [ours, theirs]) process.kill(pid, 'SIGKILL');
    await rm(outside, { recursive: true, force: true });
  });

  it('counts a Slurm daemon of this suite too (a cluster a test did not stop), and no other program', async () => {
    // Stand-ins named as the daemons are, started in the suite's temporary directory.
    const daemon = join(dir, 'slurmd');
    const bystander = join(dir, 'slurmdx');
    // Each says "ready" once it runs as the script (no longer the forked node), then waits on its
    // stdin with a shell builtin: it forks no child, which would list as the daemon too until it exec'd.
    for (const file of [daemon, bystander]) await writeFile(file, '#!/bin/sh\necho ready\nread line\n', { mode: 0o755 });
    const children = [daemon, bystander].map((file) => spawn('sh', [file, '-D', '-f', join(dir, 'slurm.conf')], { stdio: ['pipe', 'pipe', 'ignore'] }));
    const pids = children.map((child) => child.pid!);
    started.push(...pids);
    await Promise.all(children.map((child) => new Promise((resolve) => child.stdout!.once('data', resolve))));
    const found = suiteQemus(undefined, undefined, undefined, SLURM_PROGRAM);
    expect(found.map((q) => q.pid))
      .to.include(pids[0])
      .and.not.include(pids[1]);
    expect(
      suiteQemus().map((q) => q.pid),
      'counted as a QEMU',
    ).not.to.include(pids[0]);
  });

  it('fails a suite that leaves one running, naming it, and kills it', async () => {
    const pidFile = join(dir, 'leftover.pid');
    // No grace for the leftover to go by itself: it never would.
    const result = await execa(
      process.execPath,
      [
        join(projectRoot, 'node_modules', 'mocha', 'bin', 'mocha.js'),
        '--no-config',
        '--node-option',
        'import=tsx',
        '--require',
        'test/support/no-leftover-qemu.ts',
        'test/support/fixtures/leaves-qemu.fixture.ts',
      ],
      {
        cwd: projectRoot,
        reject: false,
        env: { LEFTOVER_PID_FILE: pidFile, HB_LEFTOVER_GRACE_MS: '0' },
      },
    );
    const pid = Number(await readFile(pidFile, 'utf8'));
    started.push(pid);
    expect(result.exitCode, result.stdout).not.to.equal(0);
    expect(result.stdout).to.match(/"after all" hook/);
    expect(result.stdout).to.match(
      new RegExp(
        `expected no QEMU or Slurm daemon left running after the test suite, got 1 \\(now killed\\):\\n\\s+pid ${pid} \\(environment, command line\\): `,
      ),
    );
    // SIGKILL was sent; the process is gone once the kernel has torn it down.
    for (let waited = 0; waited < 10_000 && alive(pid); waited += 20) await sleep(20);
    expect(alive(pid), `QEMU ${pid} still running`).to.equal(false);
  });
});

import { expect } from 'chai';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { EXIT_CODES_HELP, ExitCode, exitCodeForError, interruptedExitCode } from '../../harness/cli/exit-codes.js';
import { ConfigError } from '../../harness/config/errors.js';
import { HostToolError } from '../../harness/errors/host-tool-error.js';
import { UsageError } from '../../harness/errors/usage-error.js';
import { projectRoot } from '../../harness/paths.js';
import { RunInterruptedError } from '../../harness/lifecycle/interrupt.js';
import { HARNESS_BIN, HarnessProcess } from '../support/processes.js';
import { freePort } from '../support/sshd.js';
import { writeTempConfig } from '../support/temp-config.js';

// The package's bin, as a user runs it (dist/, which `npm test` compiles first).
const harness = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
  execa(process.execPath, [HARNESS_BIN, ...args], { reject: false, cwd: projectRoot, env });

describe('exit codes: exitCodeForError', () => {
  const issue = { file: '/x.yaml', line: 1, column: 1, path: 'guests', expected: 'a list', got: 'nothing' };

  it('gives 2 for a config or usage error, 3 for a host tool, 128+N for a signal, 1 for anything else', () => {
    expect(exitCodeForError(new ConfigError([issue]))).to.equal(2);
    expect(exitCodeForError(new UsageError('both'))).to.equal(2);
    expect(exitCodeForError(new HostToolError('gcc', 'no gcc'))).to.equal(3);
    expect(exitCodeForError(new RunInterruptedError('SIGINT'))).to.equal(130);
    expect(exitCodeForError(new RunInterruptedError('SIGTERM'))).to.equal(143);
    expect(exitCodeForError(new RunInterruptedError('abort'))).to.equal(1);
    expect(exitCodeForError(new Error('guest failed'))).to.equal(1);
    expect(exitCodeForError('thrown text')).to.equal(1);
  });

  it('finds the kind among the causes, so context added around a missing tool keeps its code', () => {
    const wrapped = new Error('preparing linux failed', { cause: new Error('building the payload', { cause: new HostToolError('gcc', 'no gcc') }) });
    expect(exitCodeForError(wrapped)).to.equal(3);
  });

  it('is 128 + the signal number for an interruption, as a shell reports it', () => {
    expect(interruptedExitCode('SIGINT')).to.equal(130);
    expect(interruptedExitCode('SIGTERM')).to.equal(143);
  });

  it('has distinct codes, each listed in the help and in the README', async () => {
    const codes = Object.values(ExitCode);
    expect(new Set(codes).size).to.equal(codes.length);
    const readme = await readFile(join(projectRoot, 'README.md'), 'utf8');
    for (const code of codes) {
      expect(EXIT_CODES_HELP).to.match(new RegExp(`^ {2}${code} `, 'm'));
      expect(readme).to.match(new RegExp(`^\\| ${code} \\|`, 'm'));
    }
    expect(readme).to.match(/^\| 128\+N \|/m);
  });
});

describe('exit codes of the CLI', function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  after(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('lists the exit codes in `harness --help`', async () => {
    const result = await harness(['--help']);
    expect(result.exitCode, result.stderr).to.equal(ExitCode.OK);
    expect(result.stdout).to.contain(EXIT_CODES_HELP);
  });

  it('exits 2 for options that exclude each other, before anything runs', async () => {
    const { dir, file } = await writeTempConfig({ guests: [{ name: 'l', os: 'linux' }] });
    dirs.push(dir);
    const result = await harness(['run', file, '--resume', join(dir, 'results', 'x')]);
    expect(result.exitCode, result.stderr).to.equal(ExitCode.USAGE);
    expect(result.stderr).to.match(/^harness: expected either a config or --resume RUN_DIR, got both/m);
  });

  it('exits 2 for --anatomy with --resume: a resumed run keeps the anatomy boots it was started with', async () => {
    const { dir } = await writeTempConfig({ guests: [{ name: 'l', os: 'linux' }] });
    dirs.push(dir);
    const result = await harness(['run', '--resume', join(dir, 'results', 'x'), '--anatomy']);
    expect(result.exitCode, result.stderr).to.equal(ExitCode.USAGE);
    expect(result.stderr).to.match(/^harness: expected no --anatomy with --resume: a resumed run does the anatomy boots its first command line asked for/m);
  });

  it('exits 3 when Slurm is not there for --executor slurm, before anything is written', async () => {
    const { dir, file } = await writeTempConfig({ guests: [{ name: 'l', os: 'linux' }] });
    dirs.push(dir);
    const bin = join(dir, 'bin');
    await mkdir(bin);
    const result = await harness(['run', file, '--executor', 'slurm'], { PATH: bin });
    expect(result.exitCode, result.stderr).to.equal(ExitCode.HOST_TOOL);
    expect(result.stderr).to.match(
      /^harness: expected Slurm to submit the run's jobs to \(--executor slurm\), but: expected Slurm's client commands \(sbatch, squeue, scontrol\) on PATH, got none/m,
    );
    expect(await readdir(join(dir, 'results')).catch(() => [])).to.deep.equal([]);
  });

  /** A config whose one guest is an SSH target at a loopback port nobody listens on: it fails, or waits, without QEMU. */
  async function unreachableTarget(connectSeconds: number): Promise<{ dir: string; file: string }> {
    const keyDir = await mkdtemp(join(tmpdir(), 'hb-exit-key-'));
    dirs.push(keyDir);
    // Never read: the connection is refused before any key is offered.
    await writeFile(join(keyDir, 'id'), 'not a key\n');
    const hostKey = `SHA256:${'A'.repeat(43)}`;
    const config = await writeTempConfig({
      timeouts: { bootSeconds: 60, benchmarkSeconds: 60, shutdownSeconds: 5 },
      guests: [
        {
          name: 'box',
          os: 'linux',
          reach: 'ssh',
          target: { host: '127.0.0.1', port: await freePort(), user: 'nobody', key: join(keyDir, 'id'), hostKey, connectSeconds },
        },
      ],
    });
    dirs.push(config.dir);
    return config;
  }

  it('exits 1 when a guest fails: the run is incomplete', async () => {
    const { file } = await unreachableTarget(1);
    const result = await harness(['run', file]);
    expect(result.exitCode, result.stderr).to.equal(ExitCode.FAILED);
    expect(result.stdout).to.match(/FAILED box/);
  });

  it('exits 128+N when interrupted by signal N', async () => {
    const { file } = await unreachableTarget(120);
    const run = new HarnessProcess(['run', file]);
    await run.waitFor((e) => e.type === 'guest-preparing', 30_000);
    run.kill('SIGINT');
    const exit = await run.exited;
    expect(exit.code, run.stderr).to.equal(130);
    expect(run.events.find((e) => e.type === 'summary')).to.include({ complete: false });
  });
});

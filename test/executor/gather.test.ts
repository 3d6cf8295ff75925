import { expect } from 'chai';
import { mkdir, readdir, readFile, rename, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import type { Manifest } from '../../harness/rundir/manifest.js';
import { gatheredOutcome, gatherJob, jobDirectory, readFinishedJob } from '../../harness/executor/gather.js';
import { slurmRunWithTwoJobs } from '../support/slurm-jobs.js';
import { regenerateRunFiles } from '../../harness/report/regenerate.js';
import { MAX_RUN_FILE_BYTES } from '../../harness/rundir/run-file.js';
import { contentText } from '../../harness/report/run-file-content.js';
import { writeRunOutputs } from '../../harness/report/write.js';
import { writeTempConfig } from '../support/temp-config.js';
import { sampleStream } from '../wire/encode.js';

describe('gathering jobs into the run directory', () => {
  let dir: string;
  beforeEach(async () => {
    dir = (await writeTempConfig({ guests: [{ name: 'x', os: 'linux' }] })).dir;
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("moves each finished job's boots into guests/ and pools them when they ran on one CPU model", async () => {
    const { runDir, manifest, config, records } = await slurmRunWithTwoJobs(
      dir,
      'kvm',
      ['Intel Xeon Gold 6130', 'Intel Xeon Gold 6130'],
      [
        [100, 200, 300, 400, 500],
        [600, 700, 800, 900, 1000],
      ],
    );
    for (const record of records) {
      const job = await readFinishedJob(runDir, record);
      if (typeof job === 'string') throw new Error(job);
      await gatherJob(runDir, manifest, record, job);
    }
    expect(await readdir(join(runDir, 'guests', 'linux'))).to.deep.equal(['boot-1', 'boot-2']);
    expect(await readdir(join(jobDirectory(runDir, 'linux.b1'), 'guests', 'linux'))).to.deep.equal([]);
    expect(records.map((r) => [r.state, r.accel, r.host?.cpuModel])).to.deep.equal([
      ['done', 'kvm', 'Intel Xeon Gold 6130'],
      ['done', 'kvm', 'Intel Xeon Gold 6130'],
    ]);
    expect(manifest.guests[0]!.boots.map((b) => [b.boot, b.job])).to.deep.equal([
      [1, 'linux.b1'],
      [2, 'linux.b2'],
    ]);
    // Each node's QEMU and CPU conditions stay with its job; the guest shows every node's warnings.
    expect(records.map((r) => [r.qemuVersion, r.hostConditions?.warnings])).to.deep.equal([
      ['QEMU 7.2.0', ['CPU 0 governor is powersave (Intel Xeon Gold 6130)']],
      ['QEMU 7.2.1', ['CPU 0 governor is powersave (Intel Xeon Gold 6130)']],
    ]);
    expect(manifest.guests[0]!.hostConditions!.warnings).to.deep.equal([
      'CPU 0 governor is powersave (Intel Xeon Gold 6130)',
      'job linux.b2 on intel: CPU 0 governor is powersave (Intel Xeon Gold 6130)',
    ]);
    const outcome = await gatheredOutcome(runDir, manifest, config);
    expect(outcome.results.map((r) => [r.guest, r.metric, r.n, r.boots])).to.deep.equal([['linux', 'syscall.null', 10, 2]]);
    // Samples 100…1000 less the overhead of 20: the median of the ten.
    expect(outcome.results[0]!.median).to.equal(530);
  });

  it('never pools KVM figures from two CPU models: each model is its own guest in results and reports, and regenerates the same', async () => {
    const { runDir, manifest, config, records } = await slurmRunWithTwoJobs(
      dir,
      'kvm',
      ['Intel Xeon Gold 6130', 'AMD EPYC 7763'],
      [
        [100, 100, 100, 100, 100],
        [300, 300, 300, 300, 300],
      ],
    );
    for (const record of records) await gatherJob(runDir, manifest, record, (await readFinishedJob(runDir, record)) as Manifest);
    Object.assign(manifest, { complete: true, finishedAt: '2026-11-27T00:02:00Z' });
    const outcome = await gatheredOutcome(runDir, manifest, config);
    expect(outcome.results.map((r) => [r.guest, r.median, r.n])).to.deep.equal([
      ['linux [Intel Xeon Gold 6130]', 80, 5],
      ['linux [AMD EPYC 7763]', 280, 5],
    ]);
    expect([...new Set(outcome.streams.map((s) => s.guest))]).to.deep.equal(['linux [Intel Xeon Gold 6130]', 'linux [AMD EPYC 7763]']);
    await writeRunOutputs(runDir, { manifest, ...outcome, bootstrap: config.bootstrap });
    const report = await readFile(join(runDir, 'report.md'), 'utf8');
    expect(report).to.contain('## linux [Intel Xeon Gold 6130]').and.to.contain('## linux [AMD EPYC 7763]');
    expect(report).to.contain('Executor: Slurm, 2 job(s): 2 done; jobs per node: intel (Intel Xeon Gold 6130): 1; amd (AMD EPYC 7763): 1 (manifest.json');
    for (const file of await regenerateRunFiles(runDir)) {
      expect(contentText(file.content), file.name).to.equal(await readFile(join(runDir, file.name), 'utf8'));
    }
  });

  it('pools tcg-icount figures across CPU models, guest instructions not depending on the host', async () => {
    const { runDir, manifest, config, records } = await slurmRunWithTwoJobs(
      dir,
      'tcg-icount',
      ['Intel Xeon Gold 6130', 'AMD EPYC 7763'],
      [
        [100, 100, 100, 100, 100],
        [100, 100, 100, 100, 100],
      ],
    );
    for (const record of records) await gatherJob(runDir, manifest, record, (await readFinishedJob(runDir, record)) as Manifest);
    const outcome = await gatheredOutcome(runDir, manifest, config);
    expect(outcome.results.map((r) => [r.guest, r.n])).to.deep.equal([['linux', 10]]);
  });

  it('fails the guest for a job that failed on its node, and not once that job, resubmitted, succeeds', async () => {
    const { runDir, manifest, records } = await slurmRunWithTwoJobs(
      dir,
      'kvm',
      ['A', 'A'],
      [
        [1, 2, 3, 4, 5],
        [1, 2, 3, 4, 5],
      ],
    );
    const file = join(jobDirectory(runDir, records[1]!.id), 'manifest.json');
    const good = JSON.parse(await readFile(file, 'utf8')) as Manifest;
    const failedJob: Manifest = {
      ...good,
      executor: { kind: 'local', jobs: [{ ...good.executor!.jobs[0]!, state: 'failed', reason: 'expected a kernel package, got none' }] },
      guests: [{ ...good.guests[0]!, status: 'failed', reason: 'expected a kernel package, got none', boots: [] }],
    };
    await writeFile(file, JSON.stringify(failedJob));
    await gatherJob(runDir, manifest, records[0]!, (await readFinishedJob(runDir, records[0]!)) as Manifest);
    await gatherJob(runDir, manifest, records[1]!, (await readFinishedJob(runDir, records[1]!)) as Manifest);
    expect(records.map((r) => r.state)).to.deep.equal(['done', 'failed']);
    expect(manifest.guests[0]).to.include({ status: 'failed', reason: 'expected a kernel package, got none' });
    // Resubmitted (the run clears its reason on submission), it runs and is gathered again.
    delete records[1]!.reason;
    await writeFile(file, JSON.stringify(good));
    await gatherJob(runDir, manifest, records[1]!, (await readFinishedJob(runDir, records[1]!)) as Manifest);
    expect(records.map((r) => [r.state, r.reason])).to.deep.equal([
      ['done', undefined],
      ['done', undefined],
    ]);
    expect(manifest.guests[0]!.status).to.equal('done');
    expect(manifest.guests[0]!.reason).to.equal(undefined);
    expect(manifest.guests[0]!.boots.map((b) => b.boot)).to.deep.equal([1, 2]);
  });

  it('does not gather a job that never finished, and says why', async () => {
    const { runDir, records } = await slurmRunWithTwoJobs(
      dir,
      'kvm',
      ['A', 'A'],
      [
        [1, 2, 3, 4, 5],
        [1, 2, 3, 4, 5],
      ],
    );
    const file = join(jobDirectory(runDir, records[0]!.id), 'manifest.json');
    const job = JSON.parse(await readFile(file, 'utf8')) as Manifest;
    await writeFile(file, JSON.stringify({ ...job, finishedAt: undefined, interrupted: { signal: 'SIGTERM', at: 'x', reason: 'interrupted by SIGTERM' } }));
    expect(await readFinishedJob(runDir, records[0]!)).to.equal('the job was interrupted by SIGTERM');
    await rm(file);
    expect(await readFinishedJob(runDir, records[0]!)).to.equal(`expected the job's manifest at ${file}, got none`);
  });
});

/**
 * A job's directory is written on another machine and not trusted (docs/reliability.md, "A Slurm
 * job's files"): each case damages the second job (linux.b2) as an edited or hostile node could, and
 * checks that it is refused with the job's directory, file and field named, that nothing outside
 * the job's directory is moved or read, and that the first job is gathered with its figure as before.
 */
describe('gathering a job whose directory is edited or hostile', function () {
  this.timeout(30_000);
  let dir: string;
  // Each refusal in a test gets a run directory of its own.
  let cases = 0;
  beforeEach(async () => {
    dir = (await writeTempConfig({ guests: [{ name: 'x', os: 'linux' }] })).dir;
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** The two-job run; `damage` edits job linux.b2's directory. Returns its refusal, after checking job linux.b1 still gathers. */
  async function refusal(
    damage: (jobDir: string, manifest: Manifest, runDir: string) => Promise<Manifest | undefined>,
  ): Promise<{ reason: string; runDir: string; jobDir: string }> {
    const { runDir, manifest, config, records } = await slurmRunWithTwoJobs(
      join(dir, `case-${++cases}`),
      'kvm',
      ['A', 'A'],
      [
        [100, 200, 300, 400, 500],
        [600, 700, 800, 900, 1000],
      ],
    );
    const jobDir = jobDirectory(runDir, records[1]!.id);
    const file = join(jobDir, 'manifest.json');
    const edited = await damage(jobDir, JSON.parse(await readFile(file, 'utf8')) as Manifest, runDir);
    if (edited) await writeFile(file, JSON.stringify(edited));
    const started = Date.now();
    const reason = await readFinishedJob(runDir, records[1]!);
    expect(Date.now() - started, 'refused at once, nothing read forever').to.be.below(5000);
    if (typeof reason !== 'string') expect.fail(`expected linux.b2 to be refused, got it gathered`);
    // The other job's completed result is kept: gathered, with its figure.
    await gatherJob(runDir, manifest, records[0]!, (await readFinishedJob(runDir, records[0]!)) as Manifest);
    const outcome = await gatheredOutcome(runDir, manifest, config);
    expect(outcome.results.map((r) => [r.guest, r.n, r.boots, r.median])).to.deep.equal([['linux', 5, 1, 280]]);
    expect(manifest.guests[0]!.boots.map((b) => b.boot)).to.deep.equal([1]);
    return { reason, runDir, jobDir };
  }

  /** A folder outside the run with a file in it, which no refusal may move or change. */
  async function outside(): Promise<string> {
    const folder = join(dir, 'outside');
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'data.bin'), 'not the run');
    return folder;
  }
  const untouched = async (folder: string) => expect(await readFile(join(folder, 'data.bin'), 'utf8')).to.equal('not the run');

  it('refuses a manifest bigger than run files may be, by its size, without reading it', async () => {
    const { reason, jobDir } = await refusal(async (jobDir) => {
      await truncate(join(jobDir, 'manifest.json'), MAX_RUN_FILE_BYTES + 1);
      return undefined;
    });
    expect(reason).to.equal(
      `expected ${join(jobDir, 'manifest.json')} (the job's manifest) to hold at most ${MAX_RUN_FILE_BYTES} bytes, got ${MAX_RUN_FILE_BYTES + 1}`,
    );
  });

  it('refuses a manifest that is not JSON, naming it', async () => {
    const { reason, jobDir } = await refusal(async (jobDir) => {
      await writeFile(join(jobDir, 'manifest.json'), '{"schemaVersion": 1, "guests": [');
      return undefined;
    });
    expect(reason).to.match(new RegExp(`^expected ${join(jobDir, 'manifest.json')} to be JSON, got text that does not parse \\(.+\\)$`));
  });

  it("refuses a manifest against the manifest's schema (the job's run id form allowed), naming each field", async () => {
    const { reason, jobDir } = await refusal(async (_, job) => {
      (job.guests[0]!.boots[0] as unknown as Record<string, unknown>).dataBytes = 'lots';
      delete (job as Partial<Manifest>).host;
      return job;
    });
    expect(reason).to.equal(
      `expected ${join(jobDir, 'manifest.json')} to be a job manifest as \`harness job\` writes it, got one edited or damaged: guests.0.boots.0.dataBytes: expected integer, got "lots"; host: expected a value, got none`,
    );
  });

  it("refuses a run id that is not the run's form, or names another job", async () => {
    let { reason, jobDir } = await refusal(async (_, job) => ({ ...job, runId: 'run-1/../../x' }));
    expect(reason).to.match(
      new RegExp(`^expected ${join(jobDir, 'manifest.json')} to be a job manifest .*: runId: expected to match pattern .*, got "run-1/\\.\\./\\.\\./x"$`),
    );
    ({ reason, jobDir } = await refusal(async (_, job) => ({ ...job, runId: 'run-1/linux.b1' })));
    expect(reason).to.equal(`expected runId in ${join(jobDir, 'manifest.json')} to end in /linux.b2 (this job's id), got "run-1/linux.b1"`);
  });

  it("refuses a guest named '../../x', moving nothing from where that would lead", async () => {
    const folder = await outside();
    const { reason, jobDir } = await refusal(async (jobDir, job) => {
      // jobs/linux.b2/guests/../../x/boot-2 is jobs/x/boot-2: a folder of the run outside the job's.
      await mkdir(join(jobDir, '..', 'x'), { recursive: true });
      await symlink(folder, join(jobDir, '..', 'x', 'boot-2'));
      job.guests[0]!.name = '../../x';
      return job;
    });
    expect(reason).to.match(
      new RegExp(
        `^expected ${join(jobDir, 'manifest.json')} to be a job manifest as \`harness job\` writes it, got one edited or damaged: guests\\.0\\.name: expected to match pattern .*, got "\\.\\./\\.\\./x"$`,
      ),
    );
    await untouched(folder);
  });

  it("refuses a boot that is not the job's (it would replace another job's boot), keeping that boot", async () => {
    const { reason, jobDir, runDir } = await refusal(async (jobDir, job) => {
      await rename(join(jobDir, 'guests/linux/boot-2'), join(jobDir, 'guests/linux/boot-1'));
      job.guests[0]!.boots[0]!.boot = 1;
      return job;
    });
    expect(reason).to.equal(`expected guests.0.boots.0.boot in ${join(jobDir, 'manifest.json')} to be one of this job's boots (2), each once, got 1`);
    // Job linux.b1's boot 1, gathered after, is its own.
    expect((await readFile(join(runDir, 'guests/linux/boot-1/data.bin'))).equals(sampleStream([100, 200, 300, 400, 500]))).to.equal(true);
  });

  it('refuses a boot folder, data.bin or console.log that is a link out of the job, or a FIFO, naming it and the boot', async () => {
    const folder = await outside();
    const boot = (jobDir: string) => join(jobDir, 'guests/linux/boot-2');
    let { reason, jobDir } = await refusal(async (jobDir) => {
      await rm(boot(jobDir), { recursive: true });
      await symlink(folder, boot(jobDir));
      return undefined;
    });
    const what = (jobDir: string) => `(guests.0.boots.0.boot 2 of ${join(jobDir, 'manifest.json')})`;
    expect(reason).to.equal(`expected ${boot(jobDir)} ${what(jobDir)} to be a regular file or folder inside ${jobDir}, got a symbolic link to ${folder}`);
    ({ reason, jobDir } = await refusal(async (jobDir) => {
      await rm(join(boot(jobDir), 'data.bin'));
      await symlink('/etc/passwd', join(boot(jobDir), 'data.bin'));
      return undefined;
    }));
    expect(reason).to.equal(
      `expected ${join(boot(jobDir), 'data.bin')} ${what(jobDir)} to be a regular file or folder inside ${jobDir}, got a symbolic link to /etc/passwd`,
    );
    ({ reason, jobDir } = await refusal(async (jobDir) => {
      await execa('mkfifo', [join(boot(jobDir), 'console.log')]);
      return undefined;
    }));
    expect(reason).to.equal(`expected ${join(boot(jobDir), 'console.log')} ${what(jobDir)} to be a regular file or folder inside ${jobDir}, got a FIFO`);
    ({ reason, jobDir } = await refusal(async (jobDir) => {
      await rm(boot(jobDir), { recursive: true });
      return undefined;
    }));
    expect(reason).to.match(
      new RegExp(`^expected ${boot(jobDir)} \\(guests\\.0\\.boots\\.0\\.boot 2 of .*\\) to be a folder holding its data\\.bin, got none$`),
    );
    await untouched(folder);
  });

  it('refuses a job directory, guest folder or anatomy document that is a link out of the job', async () => {
    const folder = await outside();
    const first = await refusal(async (jobDir) => {
      await rename(jobDir, join(folder, 'job'));
      await symlink(join(folder, 'job'), jobDir);
      return undefined;
    });
    expect(first.reason).to.equal(
      `expected ${first.jobDir} (the job's directory) to be a folder inside ${first.runDir}, got a symbolic link to ${join(folder, 'job')}`,
    );
    let { reason, jobDir } = await refusal(async (jobDir) => {
      await rename(join(jobDir, 'guests/linux'), join(folder, 'linux'));
      await symlink(join(folder, 'linux'), join(jobDir, 'guests/linux'));
      return undefined;
    });
    expect(reason).to.match(
      new RegExp(
        `^expected ${join(jobDir, 'guests/linux')} \\(guests\\.0\\.boots\\.0\\.boot 2 of .*\\) to be a folder inside ${jobDir}, got a symbolic link to ${join(folder, 'linux')}$`,
      ),
    );
    ({ reason, jobDir } = await refusal(async (jobDir) => {
      await symlink(join(folder, 'data.bin'), join(jobDir, 'guests/linux/anatomy.json'));
      return undefined;
    }));
    expect(reason).to.equal(
      `expected ${join(jobDir, 'guests/linux/anatomy.json')} (the anatomy of guests.0 (linux) in ${join(jobDir, 'manifest.json')}) to be a regular file or folder inside ${jobDir}, got a symbolic link to ${join(folder, 'data.bin')}`,
    );
    await untouched(folder);
    expect(await readdir(join(folder, 'linux', 'boot-2'))).to.deep.equal(['data.bin']);
  });

  it("refuses to move a job's boots into a guest folder of the run that is a link out of it", async () => {
    const folder = await outside();
    const { runDir, manifest, records } = await slurmRunWithTwoJobs(
      dir,
      'kvm',
      ['A', 'A'],
      [
        [1, 2, 3, 4, 5],
        [1, 2, 3, 4, 5],
      ],
    );
    await mkdir(join(runDir, 'guests'));
    await symlink(folder, join(runDir, 'guests', 'linux'));
    const job = (await readFinishedJob(runDir, records[0]!)) as Manifest;
    const error = await gatherJob(runDir, manifest, records[0]!, job).then(
      () => expect.fail('expected a refusal'),
      (e: unknown) => e as Error,
    );
    expect(error.message).to.equal(
      `expected ${join(runDir, 'guests/linux')} (the folder of guest linux in the run) to be a folder inside ${runDir}, got a symbolic link to ${folder}`,
    );
    expect(await readdir(folder)).to.deep.equal(['data.bin']);
    expect(await readdir(join(jobDirectory(runDir, 'linux.b1'), 'guests/linux'))).to.deep.equal(['boot-1']);
  });
});

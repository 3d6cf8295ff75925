// The single-node Slurm the Slurm executor's tests run on (test/support/slurm-cluster.ts): real
// munged, slurmctld and slurmd, real sbatch/squeue/scancel jobs, and nothing of it left afterwards.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { projectRoot } from '../../harness/paths.js';
import { clusterProcesses, slurmAvailable, startSlurmCluster, type ClusterProcess, type SlurmCluster } from './slurm-cluster.js';

const DAEMON_NAMES = ['munged', 'slurmctld', 'slurmscriptd', 'slurmd', 'slurmstepd'];
/** States a job is not finished in (squeue %T). */
const UNFINISHED = /^(PENDING|CONFIGURING|RUNNING|COMPLETING|SUSPENDED|REQUEUED|RESIZING|STOPPED|SIGNALING|STAGE_OUT)$/;

/** Whether a process runs (exists and is no zombie). */
function alive(pid: number): boolean {
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'latin1'));
  } catch {
    return false;
  }
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

async function sbatch(cluster: SlurmCluster, args: string[]): Promise<string> {
  const { stdout } = await execa('sbatch', ['--parsable', ...args], { env: cluster.env });
  expect(stdout.trim(), 'sbatch --parsable prints the job id').to.match(/^\d+$/);
  return stdout.trim();
}

/** `squeue --states=all -h -j ID -o '%i|%T|%N|%r'` as rows: one per job, or per array task. */
async function jobRows(cluster: SlurmCluster, id: string): Promise<Array<{ id: string; state: string; nodes: string; reason: string }>> {
  const { stdout } = await execa('squeue', ['--states=all', '-h', '-j', id, '-o', '%i|%T|%N|%r'], { env: cluster.env });
  return stdout
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const [jobId = '', state = '', nodes = '', reason = ''] = line.trim().split('|');
      return { id: jobId, state, nodes, reason };
    });
}

/** Polls squeue until the job (every task of an array) has finished; returns its rows. */
async function waitForJob(cluster: SlurmCluster, id: string, timeoutMs = 60_000): Promise<Array<{ id: string; state: string; nodes: string; reason: string }>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await jobRows(cluster, id);
    if (rows.length > 0 && rows.every((row) => !UNFINISHED.test(row.state))) return rows;
    if (Date.now() > deadline) throw new Error(`expected job ${id} to finish within ${timeoutMs} ms, got ${JSON.stringify(rows)}`);
    await sleep(100);
  }
}

async function waitForState(cluster: SlurmCluster, id: string, state: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await jobRows(cluster, id);
    if (rows[0]?.state === state) return;
    if (Date.now() > deadline) throw new Error(`expected job ${id} to be ${state} within ${timeoutMs} ms, got ${JSON.stringify(rows)}`);
    await sleep(100);
  }
}

/** `scontrol show job ID` as KEY=VALUE pairs. */
async function showJob(cluster: SlurmCluster, id: string): Promise<Record<string, string>> {
  const { stdout } = await execa('scontrol', ['show', 'job', id], { env: cluster.env });
  const fields: Record<string, string> = {};
  for (const match of stdout.matchAll(/(\w+)=(\S*)/g)) if (!(match[1]! in fields)) fields[match[1]!] = match[2]!;
  return fields;
}

/** KEY=VALUE lines of a job's output file. */
function vars(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

const daemonsOf = (processes: ClusterProcess[]) => processes.filter((p) => DAEMON_NAMES.includes(p.comm));

// What each job writes: its Slurm variables and the CPUs it may run on.
const REPORT =
  'for v in SLURM_JOB_ID SLURM_ARRAY_JOB_ID SLURM_ARRAY_TASK_ID SLURM_JOB_NODELIST SLURM_CPUS_ON_NODE SLURM_JOB_PARTITION; do eval "echo $v=\\${$v:-}"; done; ' +
  'echo AFFINITY=$(taskset -pc $$ | sed "s/.*: //")';

describe('@host test/support/slurm-cluster: a real single-node Slurm', function () {
  this.timeout(120_000);
  let cluster: SlurmCluster | undefined;
  let out: string;
  let daemons: ClusterProcess[] = [];

  before(async function () {
    const why = slurmAvailable();
    if (why) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
    out = await mkdtemp(join(tmpdir(), 'hb-slurm-jobs-'));
    cluster = await startSlurmCluster();
    daemons = daemonsOf(cluster.processes());
  });

  after(async () => {
    if (cluster) {
      const dir = cluster.dir;
      await cluster.stop();
      await cluster.stop();
      expect(clusterProcesses(dir), 'processes of the cluster left after stop()').to.deep.equal([]);
      expect(
        daemons.filter((p) => alive(p.pid)),
        'daemons still alive after stop()',
      ).to.deep.equal([]);
      expect(await exists(dir), `${dir} removed`).to.equal(false);
    }
    if (out) await rm(out, { recursive: true, force: true });
  });

  it('comes up with munged, slurmctld and slurmd, its node idle in the default partition', async () => {
    const c = cluster!;
    expect(daemons.map((p) => p.comm).sort()).to.include.members(['munged', 'slurmctld', 'slurmd']);
    const { stdout } = await execa('sinfo', ['-h', '-N', '-o', '%N|%P|%T|%c'], { env: c.env });
    expect(stdout.trim()).to.equal(`${c.node}|${c.partition}*|idle|${c.cpus}`);
    expect(c.env.SLURM_CONF).to.equal(c.conf);
    const conf = await readFile(c.conf, 'utf8');
    expect(conf).to.contain(`AuthInfo=socket=${join(c.dir, 'munge.socket')}`);
    // A client run with the cluster's env is not one of the cluster's processes.
    const client = execa('sleep', ['30'], { env: c.env });
    try {
      await sleep(200);
      expect(c.processes().map((p) => p.pid)).to.not.include(client.pid);
    } finally {
      client.kill('SIGKILL');
      await client.catch(() => undefined);
    }
  });

  it('runs an sbatch --wrap job to COMPLETED: its output file, its Slurm variables, one core, QEMU startable', async () => {
    const c = cluster!;
    const id = await sbatch(c, [
      '--job-name=hb-one',
      `--output=${out}/%j.out`,
      '--wrap',
      `${REPORT}; echo written > ${out}/one.txt; qemu-system-x86_64 --version | head -n1`,
    ]);
    const rows = await waitForJob(c, id);
    expect(rows).to.deep.equal([{ id, state: 'COMPLETED', nodes: c.node, reason: 'None' }]);
    expect(await readFile(join(out, 'one.txt'), 'utf8')).to.equal('written\n');
    const text = await readFile(join(out, `${id}.out`), 'utf8');
    const v = vars(text);
    expect(v).to.include({ SLURM_JOB_ID: id, SLURM_ARRAY_TASK_ID: '', SLURM_JOB_NODELIST: c.node, SLURM_CPUS_ON_NODE: '1', SLURM_JOB_PARTITION: c.partition });
    // task/affinity binds the job to the one core it was given (CR_Core).
    expect(v.AFFINITY).to.match(/^\d+$/);
    expect(text).to.match(/QEMU emulator version/);
    const job = await showJob(c, id);
    expect(job).to.include({ JobState: 'COMPLETED', ExitCode: '0:0' });
  });

  it('runs a job array of 3: tasks ID_0..ID_2, each with its SLURM_ARRAY_TASK_ID and output file (%A_%a)', async () => {
    const c = cluster!;
    const id = await sbatch(c, ['--array=0-2', `--output=${out}/%A_%a.out`, '--wrap', `${REPORT}; echo task > ${out}/task-$SLURM_ARRAY_TASK_ID.txt`]);
    const rows = await waitForJob(c, id);
    expect(rows.map((r) => `${r.id} ${r.state}`).sort()).to.deep.equal([0, 1, 2].map((i) => `${id}_${i} COMPLETED`));
    const jobIds = new Set<string>();
    for (const task of [0, 1, 2]) {
      expect(await readFile(join(out, `task-${task}.txt`), 'utf8')).to.equal('task\n');
      const v = vars(await readFile(join(out, `${id}_${task}.out`), 'utf8'));
      expect(v).to.include({ SLURM_ARRAY_JOB_ID: id, SLURM_ARRAY_TASK_ID: String(task), SLURM_JOB_NODELIST: c.node });
      jobIds.add(v.SLURM_JOB_ID!);
    }
    // Each task is a job of its own (one of them keeps the array's id).
    expect(jobIds.size).to.equal(3);
    expect(await jobRows(c, `${id}_1`)).to.deep.equal([{ id: `${id}_1`, state: 'COMPLETED', nodes: c.node, reason: 'None' }]);
  });

  it('gives an --exclusive job the whole node: every CPU in SLURM_CPUS_ON_NODE and in its affinity mask', async () => {
    const c = cluster!;
    const id = await sbatch(c, ['--exclusive', `--output=${out}/%j.out`, '--wrap', REPORT]);
    expect((await waitForJob(c, id)).map((r) => r.state)).to.deep.equal(['COMPLETED']);
    const v = vars(await readFile(join(out, `${id}.out`), 'utf8'));
    expect(v.SLURM_CPUS_ON_NODE).to.equal(String(c.cpus));
    const { stdout: hostMask } = await execa('taskset', ['-pc', String(process.pid)]);
    expect(v.AFFINITY).to.equal(hostMask.replace(/.*: /, '').trim());
  });

  it('reports a job that exits 1 as FAILED (NonZeroExitCode, ExitCode=1:0)', async () => {
    const c = cluster!;
    const id = await sbatch(c, [`--output=${out}/%j.out`, '--wrap', 'exit 1']);
    expect(await waitForJob(c, id)).to.deep.equal([{ id, state: 'FAILED', nodes: c.node, reason: 'NonZeroExitCode' }]);
    expect(await showJob(c, id)).to.include({ JobState: 'FAILED', ExitCode: '1:0' });
  });

  it('cancels a running job (CANCELLED, its slurmstepd and processes gone) and a pending one', async () => {
    const c = cluster!;
    const running = await sbatch(c, [`--output=${out}/%j.out`, '--wrap', 'echo started; sleep 300']);
    const pending = await sbatch(c, [`--output=${out}/%j.out`, '--begin=now+1hour', '--wrap', 'sleep 300']);
    await waitForState(c, running, 'RUNNING');
    let steps: ClusterProcess[] = [];
    for (let waited = 0; waited < 10_000; waited += 100) {
      steps = c.processes().filter((p) => p.comm === 'slurmstepd' || p.args === 'sleep 300');
      if (steps.some((p) => p.comm === 'sleep')) break;
      await sleep(100);
    }
    expect(steps.map((p) => p.comm).sort(), 'the running job is seen among the cluster processes').to.include.members(['sleep', 'slurmstepd']);
    expect((await jobRows(c, pending))[0]).to.include({ state: 'PENDING', reason: 'BeginTime' });

    await execa('scancel', [running, pending], { env: c.env });
    expect(await waitForJob(c, running)).to.deep.equal([{ id: running, state: 'CANCELLED', nodes: c.node, reason: 'None' }]);
    expect(await waitForJob(c, pending)).to.deep.equal([{ id: pending, state: 'CANCELLED', nodes: '', reason: 'BeginTime' }]);
    expect(await readFile(join(out, `${running}.out`), 'utf8')).to.contain('started');
    for (let waited = 0; waited < 10_000 && steps.some((p) => alive(p.pid)); waited += 100) await sleep(100);
    expect(
      steps.filter((p) => alive(p.pid)),
      'the cancelled job’s processes',
    ).to.deep.equal([]);
  });

  it('has no accounting storage: sacct says so and fails; the jobcomp log has the finished jobs', async () => {
    const c = cluster!;
    const sacct = await execa('sacct', ['-n', '-X'], { env: c.env, reject: false });
    expect(sacct.exitCode).to.not.equal(0);
    expect(sacct.stderr + sacct.stdout).to.contain('Slurm accounting storage is disabled');
    const log = await readFile(c.jobcompLog, 'utf8');
    expect(log).to.match(/JobState=COMPLETED/);
    expect(log).to.match(/JobState=FAILED .*ExitCode=1:0/);
  });

  it('runs a second cluster beside this one on ports and a munge of its own', async () => {
    const c = cluster!;
    const other = await startSlurmCluster();
    try {
      expect(other.dir).to.not.equal(c.dir);
      const confPorts = (conf: string) => readFileSync(conf, 'utf8').match(/^Slurm(ctld|d)Port=\d+$/gm);
      expect(confPorts(other.conf)).to.not.deep.equal(confPorts(c.conf));
      const id = await sbatch(other, [`--output=${out}/other-%j.out`, '--wrap', 'echo other']);
      expect((await waitForJob(other, id)).map((r) => r.state)).to.deep.equal(['COMPLETED']);
      // A fresh cluster numbers its jobs from 1; this one's job with that id is a different job.
      expect(await readFile(join(out, `other-${id}.out`), 'utf8')).to.equal('other\n');
    } finally {
      const dir = other.dir;
      await other.stop();
      expect(clusterProcesses(dir)).to.deep.equal([]);
    }
  });

  it('leaves nothing behind when the process that started it is SIGKILLed mid-job', async () => {
    const script = [
      "const { startSlurmCluster } = await import('./test/support/slurm-cluster.ts');",
      "const { execa } = await import('execa');",
      'const c = await startSlurmCluster();',
      "await execa('sbatch', ['--output=/dev/null', '--wrap', 'sleep 300'], { env: c.env });",
      'console.log(c.dir);',
      'setInterval(() => undefined, 1000);',
    ].join('\n');
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const dir = await new Promise<string>((resolve, reject) => {
      child.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
      void exited.then(() => reject(new Error(`expected the child to start a cluster, it exited:\n${stderr}`)));
    });
    try {
      let before: ClusterProcess[] = [];
      for (let waited = 0; waited < 20_000; waited += 100) {
        before = clusterProcesses(dir);
        if (before.some((p) => p.args === 'sleep 300')) break;
        await sleep(100);
      }
      expect(before.map((p) => p.comm)).to.include.members(['munged', 'slurmctld', 'slurmd', 'slurmstepd', 'sleep']);
      child.kill('SIGKILL');
      await exited;
      let left = clusterProcesses(dir);
      for (let waited = 0; waited < 10_000 && left.length > 0; waited += 100) {
        await sleep(100);
        left = clusterProcesses(dir);
      }
      expect(left, 'processes of the cluster left after its parent was SIGKILLed').to.deep.equal([]);
    } finally {
      for (const p of clusterProcesses(dir)) {
        try {
          process.kill(p.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await rm(dir, { recursive: true, force: true });
    }
  });
});

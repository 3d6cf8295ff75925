import { expect } from 'chai';
import { cancel, parseStatusLines, queryJobs, stateOf, submit } from '../../../harness/executor/slurm/queue.js';
import { slurmAvailable, startSlurmCluster, type SlurmCluster } from '../../support/slurm-cluster.js';

describe('Slurm queue states', () => {
  it('reads squeue and sacct lines, keeping sacct\'s "CANCELLED by UID" as the detail', () => {
    const statuses = parseStatusLines(['12_0|COMPLETED|node1|None', '12_1|PENDING|(null)|Priority', '13|CANCELLED by 0|node1|0:15', ''].join('\n'));
    expect([...statuses.values()]).to.deep.equal([
      { jobId: '12_0', state: 'COMPLETED', node: 'node1' },
      { jobId: '12_1', state: 'PENDING', detail: 'Priority' },
      { jobId: '13', state: 'CANCELLED', node: 'node1', detail: 'CANCELLED by 0; 0:15' },
    ]);
  });

  it('maps Slurm states to what they mean for the run', () => {
    expect(['PENDING', 'CONFIGURING', 'REQUEUED', 'SUSPENDED'].map(stateOf)).to.deep.equal(['pending', 'pending', 'pending', 'pending']);
    expect(['RUNNING', 'COMPLETING'].map(stateOf)).to.deep.equal(['running', 'running']);
    expect(stateOf('COMPLETED')).to.equal('completed');
    expect(['CANCELLED', 'PREEMPTED', 'DEADLINE'].map(stateOf)).to.deep.equal(['cancelled', 'cancelled', 'cancelled']);
    expect(['FAILED', 'TIMEOUT', 'NODE_FAIL', 'OUT_OF_MEMORY', 'BOOT_FAIL', 'SOMETHING_NEW'].map(stateOf)).to.deep.equal([
      'failed',
      'failed',
      'failed',
      'failed',
      'failed',
      'failed',
    ]);
  });
});

describe('@host Slurm queue queries on a real single-node Slurm', function () {
  this.timeout(120_000);
  let cluster: SlurmCluster | undefined;
  const saved = process.env.SLURM_CONF;
  before(async function () {
    const why = slurmAvailable();
    if (why) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
    cluster = await startSlurmCluster();
    // queue.ts runs sbatch, squeue and scancel with this process's environment, as `harness run` does.
    process.env.SLURM_CONF = cluster.env.SLURM_CONF;
  });
  after(async () => {
    if (saved === undefined) delete process.env.SLURM_CONF;
    else process.env.SLURM_CONF = saved;
    await cluster?.stop();
  });

  it('reports the jobs Slurm knows beside ids it no longer knows (which squeue alone refuses), and no error for those', async () => {
    expect(await queryJobs(['999999'])).to.deep.equal(new Map());
    const id = (await submit(['--parsable', '--output=/dev/null', '--wrap=sleep 60'], '')).trim();
    try {
      const statuses = await queryJobs(['999999', id]);
      expect([...statuses.keys()]).to.deep.equal([id]);
      expect(['PENDING', 'RUNNING']).to.include(statuses.get(id)!.state);
    } finally {
      await cancel([id]);
    }
    for (let i = 0; i < 100 && (await queryJobs([id])).get(id)?.state !== 'CANCELLED'; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await queryJobs([id])).get(id)?.state).to.equal('CANCELLED');
  });
});

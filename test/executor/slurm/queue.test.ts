import { expect } from 'chai';
import { parseStatusLines, stateOf } from '../../../harness/executor/slurm/queue.js';

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
    expect(['FAILED', 'TIMEOUT', 'NODE_FAIL', 'OUT_OF_MEMORY', 'BOOT_FAIL', 'SOMETHING_NEW'].map(stateOf)).to.deep.equal(['failed', 'failed', 'failed', 'failed', 'failed', 'failed']);
  });
});

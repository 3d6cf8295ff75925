import { expect } from 'chai';
import { conditionWarnings, parseCpuList, parseProcStat, readHostConditions } from '../../harness/host/conditions.js';

describe('host conditions', () => {
  it('expands kernel CPU lists', () => {
    expect(parseCpuList('0-2,5')).to.deep.equal([0, 1, 2, 5]);
    expect(parseCpuList('3')).to.deep.equal([3]);
    expect(parseCpuList('')).to.deep.equal([]);
    expect(parseCpuList(undefined)).to.deep.equal([]);
  });

  it('reads per-CPU busy time from /proc/stat, idle and iowait not counted as busy', () => {
    const times = parseProcStat('cpu  10 0 10 100 0 0 0 0 0 0\ncpu0 5 1 4 50 10 0 0 0 0 0\ncpu1 0 0 0 60 0 0 0 0 0 0\nintr 1\n');
    expect(times.get(0)).to.deep.equal({ busy: 10, total: 70 });
    expect(times.get(1)).to.deep.equal({ busy: 0, total: 60 });
    expect(times.has(-1)).to.equal(false);
  });

  it('warns about each condition that disturbs figures, and about none on a quiet, tuned host', () => {
    const quiet = {
      cpus: [2, 3],
      governors: { '2': 'performance', '3': 'performance' },
      turbo: false,
      smtSiblings: { '2': '2', '3': '3' },
      isolated: '2-3',
      nohzFull: '2-3',
      loadBefore: { '2': 0, '3': 0.01 },
    };
    expect(conditionWarnings(quiet)).to.deep.equal([]);
    const noisy = {
      ...quiet,
      governors: { '2': 'powersave', '3': 'performance' },
      turbo: true,
      smtSiblings: { '2': '2,6', '3': '3' },
      isolated: '',
      loadBefore: { '2': 0.5, '3': 0 },
    };
    expect(conditionWarnings(noisy)).to.deep.equal([
      'CPU 2 uses the powersave frequency governor, not performance: the clock may change during the run',
      'turbo/boost is on: the clock depends on temperature and load',
      'CPU 2 shares its core with CPU 6 (SMT), which is not reserved for the guest',
      'CPU 2, 3 not isolated (isolcpus): other tasks may run there',
      'CPU 2 was 50% busy just before the guest started',
    ]);
  });

  it('reads this host', async () => {
    const conditions = await readHostConditions([0], 50);
    expect(conditions.cpus).to.deep.equal([0]);
    expect(conditions.loadBefore['0']).to.be.within(0, 1);
    expect(conditions.warnings).to.be.an('array');
  });
});

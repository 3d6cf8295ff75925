import { expect } from 'chai';
import { classifyMetric } from '../../harness/analysis/taxonomy.js';

describe('metric taxonomy', () => {
  const cases: [string, string, string][] = [
    ['ipc.roundtrip.pipe.process.same', 'ipc.roundtrip', 'processes, same CPU'],
    ['ipc.roundtrip.futex.thread.cross', 'ipc.roundtrip', 'threads, cross CPU'],
    ['ipc.oneway.sel4call.thread.same', 'ipc.oneway', 'threads, same CPU'],
    ['ipc.roundtrip.minixsendrec.process.same', 'ipc.roundtrip', 'processes, same CPU'],
    ['syscall.null', 'syscall.null', ''],
    ['syscall.null.nbsendnull', 'syscall.null', ''],
    ['syscall.null.enosys', 'syscall.null', ''],
    ['syscall.null.invalidtrap', 'syscall.null', ''],
    ['ctxswitch.yield', 'ctxswitch', ''],
    ['pagefault.anon', 'pagefault', ''],
    ['pagefault.file', 'pagefault', ''],
    ['pagefault.pager', 'pagefault', ''],
  ];
  for (const [metric, classId, variant] of cases) {
    it(`puts ${metric} in ${classId} (${variant || 'no placement'})`, () => {
      const kind = classifyMetric(metric);
      expect(kind.classId).to.equal(classId);
      expect(kind.variant).to.equal(variant);
    });
  }

  it('keeps a metric of no known class as a class of its own', () => {
    expect(classifyMetric('memory.bandwidth')).to.deep.equal({ classId: 'memory.bandwidth', classTitle: 'memory.bandwidth', variant: '' });
  });

  it('does not take a prefix of a word for a class (syscall.nullable is not syscall.null)', () => {
    expect(classifyMetric('syscall.nullable').classId).to.equal('syscall.nullable');
  });
});

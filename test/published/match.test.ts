import { expect } from 'chai';
import { matchesSelector, metricGlob, selectMeasured } from '../../harness/published/match.js';
import { resultEntry } from '../support/result-entry.js';

describe('matching published figures to measured ones', () => {
  it('reads metric globs as the guests do: * is any run of characters, dots are dots', () => {
    expect(metricGlob('ipc.roundtrip.*').test('ipc.roundtrip.pipe.process.same')).to.equal(true);
    expect(metricGlob('ipc.*.same').test('ipc.roundtrip.sel4call.thread.same')).to.equal(true);
    expect(metricGlob('ipc.roundtrip.*').test('ipc.oneway.sel4call.thread.same')).to.equal(false);
    expect(metricGlob('syscall.null').test('syscallXnull')).to.equal(false);
    expect(metricGlob('syscall.null').test('syscall.null.extra')).to.equal(false);
  });

  it('matches by guest OS and exact metric name', () => {
    const sel4Call = resultEntry('sel4', 'ipc.oneway.sel4call.thread.same', 228);
    expect(matchesSelector({ os: 'sel4', metric: 'ipc.oneway.sel4call.thread.same' }, sel4Call)).to.equal(true);
    expect(matchesSelector({ os: 'sel4', metric: 'ipc.oneway.sel4reply.thread.same' }, sel4Call)).to.equal(false);
    expect(matchesSelector({ os: 'linux', metric: 'ipc.oneway.sel4call.thread.same' }, sel4Call)).to.equal(false);
  });

  it('matches by OS, not guest name', () => {
    const renamed = resultEntry('sel4-release', 'syscall.null', 292, { os: 'sel4' });
    expect(matchesSelector({ os: 'sel4', metric: 'syscall.null' }, renamed)).to.equal(true);
    expect(matchesSelector({ os: 'gnumach', metric: 'syscall.null' }, renamed)).to.equal(false);
  });

  it('picks every measured figure a glob selects, in order', () => {
    const figures = [
      resultEntry('linux', 'syscall.null', 335),
      resultEntry('linux', 'ctxswitch.yield', 2123),
      resultEntry('sel4', 'ctxswitch.yield', 271),
      resultEntry('linux', 'ctxswitch.futex', 5085.5),
    ].map((entry) => ({ runId: 'r', entry, groups: [] }));
    const picked = selectMeasured({ os: 'linux', metric: 'ctxswitch.*' }, figures);
    expect(picked.map((f) => f.entry.metric)).to.deep.equal(['ctxswitch.yield', 'ctxswitch.futex']);
    expect(selectMeasured({ os: 'minix', metric: '*' }, figures)).to.deep.equal([]);
  });
});

import { expect } from 'chai';
import { anatomyPluginArgs, matchRegions } from '../../harness/anatomy/run.js';
import { gnumachAdapter } from '../../harness/guests/gnumach/adapter.js';
import { linuxDiskAdapter } from '../../harness/guests/linux-disk/adapter.js';
import { linuxAdapter } from '../../harness/guests/linux/adapter.js';
import { minixAdapter } from '../../harness/guests/minix/adapter.js';
import { instructionsPerWindow, parseAnatomyReport, windowMedian, type AnatomyRegion } from '../../harness/anatomy/report.js';
import type { RawBenchmark } from '../../harness/wire/stream.js';

function region(index: number, sizes: [number, number][], ended = true): AnatomyRegion {
  const windows = sizes.reduce((n, [, c]) => n + c, 0);
  const instructions = sizes.reduce((n, [s, c]) => n + s * c, 0);
  return {
    index,
    ended,
    timerReads: 2 * windows,
    cycle: { reads: 2, open: 0, close: 1 },
    windows,
    instructions,
    user: 7 * windows,
    kernel: instructions - 7 * windows,
    memAccesses: 0,
    cr3Writes: 0,
    transitions: { syscall: 0, sysret: 0, sysenter: 0, sysexit: 0, int: 0, iret: windows, lcall: windows },
    windowSizes: sizes,
    blocks: [],
  };
}

const bench = (metric: string, opsPerSample = 1) => ({ metric, opsPerSample }) as RawBenchmark;

describe('the anatomy plugin report', () => {
  it('takes the median of the windows as the harness takes a median, and the mean', () => {
    const r = region(0, [
      [352, 3],
      [900, 1],
    ]);
    expect(windowMedian(r)).to.equal(352);
    expect(instructionsPerWindow(r)).to.equal((3 * 352 + 900) / 4);
    expect(
      windowMedian(
        region(0, [
          [10, 1],
          [20, 1],
        ]),
      ),
    ).to.equal(15);
    expect(windowMedian(region(0, []))).to.equal(undefined);
    expect(instructionsPerWindow(region(0, []))).to.equal(undefined);
  });

  it('matches the regions that ended to the benchmarks in order, and refuses a count that differs', () => {
    const doc = {
      plugin: 'anatomy',
      format: 1,
      bits: 32,
      kernelBase: '0xc0000000',
      unbalancedMarks: 0,
      regions: [region(0, [[437, 2]]), region(1, [[1347, 2]]), region(2, [[5, 1]], false)],
    };
    const report = parseAnatomyReport(JSON.stringify(doc));
    const metrics = matchRegions(report, [bench('syscall.null'), bench('ctxswitch.handoff', 2)]);
    expect(metrics.map((m) => [m.metric, m.opsPerSample, m.index])).to.deep.equal([
      ['syscall.null', 1, 0],
      ['ctxswitch.handoff', 2, 1],
    ]);
    expect(() => matchRegions(report, [bench('syscall.null')])).to.throw(/one marked region per benchmark \(1\), got 2/);
  });

  it('reads the cycle of timer reads each region was given, and takes a region without one as pairing them', () => {
    const oneway = { ...region(0, [[1606, 2]]), timerReads: 8, cycle: { reads: 4, open: 0, close: 1 } };
    const { cycle: _, ...older } = region(1, [[437, 2]]);
    const doc = { plugin: 'anatomy', format: 1, bits: 32, kernelBase: '0xc0000000', unbalancedMarks: 0, regions: [oneway, older] };
    expect(parseAnatomyReport(JSON.stringify(doc)).regions.map((r) => r.cycle)).to.deep.equal([
      { reads: 4, open: 0, close: 1 },
      { reads: 2, open: 0, close: 1 },
    ]);
  });

  it("refuses a document that is not the plugin's", () => {
    expect(() => parseAnatomyReport('{"regions": []}')).to.throw(/anatomy plugin's JSON/);
  });

  it('gives the plugin the decoding and kernel base of the guest OS, escaping commas in paths', () => {
    expect(anatomyPluginArgs(gnumachAdapter.anatomy!, '/c/anatomy.so', '/r,x/anatomy.json')).to.deep.equal([
      '-plugin',
      'file=/c/anatomy.so,out=/r,,x/anatomy.json,bits=32,kernel=0xc0000000',
    ]);
    expect(anatomyPluginArgs(linuxAdapter.anatomy!, '/p.so', '/o.json', { top: 8 })[1]).to.equal(
      'file=/p.so,out=/o.json,bits=64,kernel=0xffff800000000000,top=8',
    );
    // Only the payload's own timer reads, for a guest with other programs beside it (the disk image).
    const timerCode = { address: 0x401000n, size: 0x9f000n };
    expect(anatomyPluginArgs(linuxDiskAdapter.anatomy!, '/p.so', '/o.json', { timerCode })[1]).to.equal(
      'file=/p.so,out=/o.json,bits=64,kernel=0xffff800000000000,timers=0x401000-0x4a0000',
    );
    expect(minixAdapter.anatomy).to.equal(undefined);
  });
});

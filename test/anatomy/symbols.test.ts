import { expect } from 'chai';
import type { AnatomyBlock, AnatomyMetric } from '../../harness/analysis/anatomy.js';
import { applySymbols, findOffset, functionAt, nameAddress, parseNm, sumFunctions, symbolTable, OTHER_FUNCTIONS } from '../../harness/anatomy/symbols.js';
import type { AnatomySymbols } from '../../harness/guests/adapter.js';

/** A System.map in small: code, an alias, data after code, an absolute symbol, a line nm prints for an undefined symbol. */
const SYSTEM_MAP = `
0000000000000000 D fixed_percpu_data
ffffffff81000000 T _stext
ffffffff81000000 T _text
ffffffff81000100 T startup_64
ffffffff81a03ef0 T do_syscall_64
ffffffff81a03fa0 t syscall_helper
ffffffff81c00080 T entry_SYSCALL_64
ffffffff81c000c0 T entry_SYSCALL_64_after_hwframe
ffffffff81c00200 T __entry_text_end
ffffffff81e00000 D some_data
                 U undefined_one
`;

const KERNEL_BASE = 0xffff800000000000n;
const kernelSource: AnatomySymbols = { space: 'kernel', prefix: '', description: 'System.map', nmText: SYSTEM_MAP, randomizedAlign: 0x200000 };
const payloadSource: AnatomySymbols = {
  space: 'user',
  prefix: 'payload:',
  description: 'payload',
  nmText: '0000000000401000 T main\n0000000000401080 t hb_bench_syscall_null\n0000000000401100 T _fini\n0000000000402000 R rodata\n',
};

const block = (address: bigint, instructions: number): AnatomyBlock => ({ address: `0x${address.toString(16)}`, executions: 1, instructions });

function metric(blocks: AnatomyBlock[], instructions = blocks.reduce((n, b) => n + b.instructions, 0)): AnatomyMetric {
  return {
    index: 0,
    ended: true,
    timerReads: 2,
    windows: 1,
    instructions,
    user: 0,
    kernel: instructions,
    memAccesses: 0,
    cr3Writes: 0,
    transitions: { syscall: 1, sysret: 1, sysenter: 0, sysexit: 0, int: 0, iret: 0, lcall: 0 },
    windowSizes: [[instructions, 1]],
    blocks,
    metric: 'syscall.null',
    opsPerSample: 1,
  };
}

describe('the anatomy symbols', () => {
  it('parses nm -n text into code symbols, each ending at the next symbol of any kind', () => {
    const functions = parseNm(SYSTEM_MAP);
    expect(functions.map((f) => f.name)).to.deep.equal([
      '_stext',
      'startup_64',
      'do_syscall_64',
      'syscall_helper',
      'entry_SYSCALL_64',
      'entry_SYSCALL_64_after_hwframe',
      '__entry_text_end',
    ]);
    expect(functions[0]!.end).to.equal(0xffffffff81000100n);
    expect(functions.at(-1)!.end).to.equal(0xffffffff81e00000n);
  });

  it('resolves an address to the function containing it by binary search, none outside every one', () => {
    const functions = parseNm(SYSTEM_MAP);
    expect(functionAt(functions, 0xffffffff81a03ef0n)?.name).to.equal('do_syscall_64');
    expect(functionAt(functions, 0xffffffff81a03f9fn)?.name).to.equal('do_syscall_64');
    expect(functionAt(functions, 0xffffffff81a03fa0n)?.name).to.equal('syscall_helper');
    expect(functionAt(functions, 0xffffffff81c000c5n)?.name).to.equal('entry_SYSCALL_64_after_hwframe');
    expect(functionAt(functions, 0xffffffff80000000n)).to.equal(undefined);
    // Past the last code symbol, in the data after it.
    expect(functionAt(functions, 0xffffffff81e00010n)).to.equal(undefined);
  });

  it('finds a KASLR offset from blocks that start functions, and none without a clear winner', () => {
    const functions = parseNm(SYSTEM_MAP);
    const slide = 0x7e00000n;
    const starts = [0xffffffff81a03ef0n, 0xffffffff81a03fa0n, 0xffffffff81c00080n, 0xffffffff81c000c0n].map((a) => a + slide);
    // Blocks inside functions (after a branch) vote for nothing under the right offset.
    const found = findOffset(functions, [...starts, 0xffffffff81a03f13n + slide], 0x200000n);
    expect(found?.offset).to.equal(slide);
    expect(found?.votes).to.equal(4);
    expect(findOffset(functions, starts.slice(0, 2), 0x200000n)).to.equal(undefined);
  });

  it('names kernel addresses from the kernel table at its offset and user ones from the payload, with its prefix', () => {
    const tables = [{ ...symbolTable(kernelSource), offset: 0x200000n }, symbolTable(payloadSource)];
    expect(nameAddress(tables, 0xffffffff81e00090n, KERNEL_BASE)).to.equal('entry_SYSCALL_64');
    expect(nameAddress(tables, 0x401090n, KERNEL_BASE)).to.equal('payload:hb_bench_syscall_null');
    expect(nameAddress(tables, 0x400000n, KERNEL_BASE)).to.equal(undefined);
  });

  it('sums blocks into functions, most instructions first, the rest of the region as (other)', () => {
    const blocks: AnatomyBlock[] = [
      { ...block(1n, 50), symbol: 'b' },
      { ...block(2n, 30), symbol: 'a' },
      { ...block(3n, 30), symbol: 'b' },
      block(KERNEL_BASE + 5n, 10),
      block(0x401000n, 5),
    ];
    expect(sumFunctions(metric(blocks, 200), KERNEL_BASE)).to.deep.equal([
      { symbol: 'b', instructions: 80 },
      { symbol: 'a', instructions: 30 },
      { symbol: '?kernel', instructions: 10 },
      { symbol: '?payload', instructions: 5 },
      { symbol: OTHER_FUNCTIONS, instructions: 75 },
    ]);
    expect(sumFunctions(metric(blocks), KERNEL_BASE, 2)).to.deep.equal([
      { symbol: 'b', instructions: 80 },
      { symbol: 'a', instructions: 30 },
      { symbol: OTHER_FUNCTIONS, instructions: 15 },
    ]);
  });

  it('names the metrics from a randomized kernel and the payload, and says where the names came from', () => {
    const slide = 0x7e00000n;
    const blocks = [
      block(0xffffffff81c00080n + slide, 40),
      block(0xffffffff81c000c0n + slide, 30),
      block(0xffffffff81a03ef0n + slide, 20),
      block(0xffffffff81a03fa0n + slide, 5),
      block(0x401080n, 12),
    ];
    const named = applySymbols([metric(blocks)], [kernelSource, payloadSource], KERNEL_BASE);
    expect(named.symbolSources[0]).to.match(/^System\.map: 7 functions, KASLR offset 0x7e00000 \(4 blocks/);
    expect(named.symbolSources[1]).to.equal('payload: 3 functions');
    expect(named.metrics[0]!.blocks.map((b) => b.symbol)).to.deep.equal([
      'entry_SYSCALL_64',
      'entry_SYSCALL_64_after_hwframe',
      'do_syscall_64',
      'syscall_helper',
      'payload:hb_bench_syscall_null',
    ]);
    expect(named.metrics[0]!.functions?.[0]).to.deep.equal({ symbol: 'entry_SYSCALL_64', instructions: 40 });
  });

  it('leaves the blocks unnamed, and says why, when an image has no symbols or its offset is not found', () => {
    const missing: AnatomySymbols = { space: 'kernel', prefix: '', description: 'gnumach-dbg', missing: 'another build' };
    const none = applySymbols([metric([block(KERNEL_BASE + 1n, 3)])], [missing], KERNEL_BASE);
    expect(none.symbolSources).to.deep.equal(['gnumach-dbg: none (another build)']);
    expect(none.metrics[0]!.functions).to.equal(undefined);
    const unfound = applySymbols([metric([block(0xffffffff99999999n, 3)])], [kernelSource, payloadSource], KERNEL_BASE);
    expect(unfound.symbolSources[0]).to.match(/unused \(no KASLR offset stood out/);
    expect(unfound.metrics[0]!.functions).to.deep.equal([{ symbol: '?kernel', instructions: 3 }]);
  });
});

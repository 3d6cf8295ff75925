import { expect } from 'chai';
import { anatomyComparisons, anatomyPerOp } from '../../harness/analysis/anatomy-per-op.js';
import { anatomyMarkdown, anatomyRow, formatPerOp } from '../../harness/report/anatomy-markdown.js';
import { anatomySection } from '../../harness/report/html/anatomy-section.js';
import { gnumachAnatomy, linuxAnatomy } from './anatomy-fixture.js';

describe('the cost anatomy in the reports', () => {
  it('divides a region by its windows and its operations per sample, listing only the transitions that occurred', () => {
    const handoff = gnumachAnatomy().metrics.find((m) => m.metric === 'ctxswitch.handoff')!;
    const perOp = anatomyPerOp(handoff)!;
    expect(perOp.instructions).to.equal((15 + 1332) / 2);
    expect([perOp.user, perOp.kernel]).to.deep.equal([7.5, 666]);
    expect(perOp.transitions).to.deep.equal([
      ['iret', 1.00005],
      ['lcall', 1],
    ]);
    expect(perOp.functionCount).to.equal(undefined);
    expect(anatomyPerOp({ ...handoff, windows: 0 })).to.equal(undefined);
  });

  it("renders a guest's row: per operation, user / kernel, transitions, CR3 writes, memory accesses and the top five functions with their share", () => {
    const [syscall, pipe] = linuxAnatomy().metrics;
    expect(anatomyRow(syscall!)).to.deep.equal([
      'syscall.null',
      '10000',
      '1',
      '361',
      '12 / 349',
      'syscall 1, sysret 1',
      '2',
      '150',
      '`entry_SYSCALL_64` 33.2%, `do_syscall_64` 24.9%, `syscall_exit_to_user_mode` 19.4%, `payload:bench_syscall` 3.3%, `__x64_sys_getppid` 2.8%',
    ]);
    expect(anatomyRow(pipe!)).to.deep.equal([
      'ipc.roundtrip.pipe.thread.same',
      '10000',
      '1',
      '12929.7',
      '47 / 12882.7',
      'syscall 4, sysret 4',
      '8',
      '7000',
      '—',
    ]);
    expect(anatomyRow({ ...pipe!, windows: 0, ended: false })).to.deep.equal([
      'ipc.roundtrip.pipe.thread.same (region not ended)',
      '0',
      '1',
      '—',
      '—',
      '—',
      '—',
      '—',
      '—',
    ]);
    expect(formatPerOp(2.0078)).to.equal('2.01');
    expect(formatPerOp(4.0002)).to.equal('4');
    // An interrupt's iret in one window of 10 000 is not shown as 0.
    expect(formatPerOp(0.0001)).to.equal('0.0001');
    expect(formatPerOp(0.0042)).to.equal('0.004');
  });

  it('sets each kind of operation side by side: the headline metric, else the cheapest of the placement most guests have', () => {
    const comparisons = anatomyComparisons([linuxAnatomy(), gnumachAnatomy()].map((d) => ({ guest: d.guest, metrics: d.metrics })));
    expect(comparisons.map((c) => [c.classId, c.variant, c.picks.map((p) => `${p.guest} ${p.metric.metric}`)])).to.deep.equal([
      ['ipc.roundtrip', 'threads, same CPU', ['linux ipc.roundtrip.futex.thread.same', 'gnumach ipc.roundtrip.machmsg.thread.same']],
      ['syscall.null', '', ['linux syscall.null', 'gnumach syscall.null']],
      ['ctxswitch', '', ['linux ctxswitch.yield', 'gnumach ctxswitch.handoff']],
    ]);
  });

  it("writes report.md's section: what it is, a table per guest, then the view across systems", () => {
    const text = anatomyMarkdown([linuxAnatomy(), gnumachAnatomy()]).join('\n');
    expect(text).to.match(
      /^## Cost anatomy\n\nFrom one more boot of each guest with the cost-anatomy plugin .*tcg-icount.*timer overhead; .*means over the windows.* See docs\/anatomy\.md\.\n/,
    );
    expect(text).to.include(
      '### linux\n\nOS linux, 64-bit; kernel code at or above 0xffff800000000000. Function names from: System.map of linux-image-6.1.0-test.\n',
    );
    expect(text).to.include('| ctxswitch.handoff | 10000 | 2 | 673.5 | 7.5 / 666 | iret 1, lcall 1 | 0 | 440 | — |');
    expect(text).to.include(
      [
        '- **IPC round trip (threads, same CPU)**, one operation: a request and its reply between two threads or processes.',
        '  - linux `ipc.roundtrip.futex.thread.same` = 66 user + 9940.1 kernel = 10006.1 instructions; syscall 4, sysret 4; 8 CR3 writes',
        '  - gnumach `ipc.roundtrip.machmsg.thread.same` = 26 user + 2401.1 kernel = 2427.1 instructions; iret 2, lcall 2; 0 CR3 writes',
      ].join('\n'),
    );
    expect(text).to.include('  - linux `syscall.null` = 12 user + 349 kernel = 361 instructions in 48 functions; syscall 1, sysret 1; 2 CR3 writes');
    expect(text).to.include(
      '  - gnumach `syscall.null` = 7 user + 430 kernel = 437 instructions in 1 function and code without symbols; iret 1, lcall 1; 0 CR3 writes',
    );
  });

  it('says when marks did not pair, and writes nothing without documents', () => {
    const doc = { ...gnumachAnatomy(), unbalancedMarks: 3 };
    expect(anatomyMarkdown([doc]).join('\n')).to.include('**3 region marks did not pair**');
    expect(anatomyMarkdown([])).to.deep.equal([]);
    expect(anatomySection([])).to.equal('');
  });

  it("writes report.html's section with the same tables and texts, escaped", () => {
    const doc = linuxAnatomy();
    doc.metrics[0]!.functions![0]!.symbol = '<evil>';
    const html = anatomySection([doc, gnumachAnatomy()]);
    expect(html).to.match(/^<section id="cost-anatomy">\n<h2>Cost anatomy<\/h2>\n<p>From one more boot/);
    expect(html).to.include('<code>&lt;evil&gt;</code> 33.2%');
    expect(html).not.to.include('<evil>');
    expect(html).to.include('<td class="num">673.5</td>');
    expect(html).to.include('<li><strong>Null system call</strong>, one operation: a kernel entry and exit that does no work.');
    expect(html).to.include(
      '<li>gnumach <code>syscall.null</code> = 7 user + 430 kernel = 437 instructions in 1 function and code without symbols; iret 1, lcall 1; 0 CR3 writes</li>',
    );
  });
});

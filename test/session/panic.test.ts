import { expect } from 'chai';
import { panicIn } from '../../harness/session/panic.js';

describe('panicIn: a kernel panic recognised on the console', () => {
  it("finds Linux's panic line, even above a stack trace", () => {
    const console = [
      '[    1.64] sysrq: Trigger a crash',
      '[    1.64] Kernel panic - not syncing: sysrq triggered crash',
      '[    1.64] CPU: 0 PID: 60 Comm: hb-payload Not tainted 6.1.0-56-cloud-amd64',
      '[    1.64] Call Trace:',
      '[    1.64]  <TASK>',
      '[    1.65] Kernel Offset: 0x7e00000 from 0xffffffff81000000',
    ].join('\n');
    expect(panicIn(console)).to.equal('Kernel panic - not syncing: sysrq triggered crash');
  });

  it('reads the closing line when the panic line itself has scrolled out', () => {
    expect(panicIn('...\n---[ end Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0) ]---\n')).to.equal(
      'Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)',
    );
  });

  it('finds nothing on a console without a panic', () => {
    expect(panicIn('hb: syscall.null: 100 samples\nhb: done, 1 benchmarks\n')).to.equal(undefined);
    expect(panicIn('')).to.equal(undefined);
  });
});

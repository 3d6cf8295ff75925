import { expect } from 'chai';
import { ADAPTERS } from '../../harness/guests/registry.js';
import { chooseAccel, effectiveVcpus, FALLBACK_ACCEL } from '../../harness/qemu/accel.js';

describe('accelerator choice', () => {
  it('takes an explicit accelerator without probing', async () => {
    const decision = await chooseAccel('tcg', async () => expect.fail('probe must not run'));
    expect(decision).to.deep.equal({ accel: 'tcg', reason: 'tcg was asked for' });
  });

  it('auto takes KVM when the probe boot succeeds', async () => {
    const decision = await chooseAccel('auto', async () => ({ ok: true, reason: 'reached the kernel' }));
    expect(decision.accel).to.equal('kvm');
  });

  it("auto falls back to tcg-icount with the probe's reason", async () => {
    const decision = await chooseAccel('auto', async () => ({ ok: false, reason: 'printed nothing within 15 s' }));
    expect(decision.accel).to.equal(FALLBACK_ACCEL);
    expect(decision.reason).to.contain('printed nothing within 15 s');
  });

  it('icount guests are uniprocessor, with the reason, unless their adapter brings up SMP itself', () => {
    expect(effectiveVcpus('tcg-icount', 2).vcpus).to.equal(1);
    expect(effectiveVcpus('tcg-icount', 2).note).to.match(/uniprocessor/);
    expect(effectiveVcpus('tcg-icount', 2, false).vcpus).to.equal(1);
    expect(effectiveVcpus('tcg-icount', 1)).to.deep.equal({ vcpus: 1 });
    expect(effectiveVcpus('tcg', 2)).to.deep.equal({ vcpus: 2 });
    expect(effectiveVcpus('kvm', 4)).to.deep.equal({ vcpus: 4 });
  });

  it('keeps the configured vCPUs of an icount guest whose adapter works around the SMP bring-up hang', () => {
    expect(effectiveVcpus('tcg-icount', 2, true)).to.deep.equal({ vcpus: 2 });
    expect(effectiveVcpus('tcg-icount', 1, true)).to.deep.equal({ vcpus: 1 });
  });

  it('only the Linux initramfs and seL4 adapters say they do', () => {
    expect(ADAPTERS.filter((a) => a.icountSmp).map((a) => a.id)).to.deep.equal(['linux', 'sel4']);
  });
});

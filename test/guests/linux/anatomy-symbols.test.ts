import { expect } from 'chai';
import { physicalAlign } from '../../../harness/guests/linux/anatomy-symbols.js';

describe('Linux anatomy symbols', () => {
  it("takes the KASLR offset's step from the kernel config's CONFIG_PHYSICAL_ALIGN, x86's default without one", () => {
    expect(physicalAlign('CONFIG_RELOCATABLE=y\nCONFIG_PHYSICAL_ALIGN=0x1000000\n')).to.equal(0x1000000);
    expect(physicalAlign('')).to.equal(0x200000);
  });
});

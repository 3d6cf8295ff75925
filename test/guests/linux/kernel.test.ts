import { expect } from 'chai';
import { kernelDependency, LINUX_ARCH } from '../../../harness/guests/linux/kernel.js';

describe('Linux guest kernel package', () => {
  it('follows a meta package to the kernel package its Depends names first', () => {
    expect(kernelDependency('linux-image-6.1.0-57-cloud-amd64 (= 6.1.192-3)')).to.equal('linux-image-6.1.0-57-cloud-amd64');
    expect(kernelDependency('initramfs-tools | linux-initramfs-tool, linux-image-6.1.0-57-amd64 (= 6.1.192-3)')).to.equal('linux-image-6.1.0-57-amd64');
    expect(kernelDependency('kmod, linux-base (>= 4.3~)')).to.equal(undefined);
    expect(kernelDependency('')).to.equal(undefined);
  });

  it('is the amd64 package, as the guest runs under qemu-system-x86_64', () => {
    expect(LINUX_ARCH).to.equal('amd64');
  });
});

import { expect } from 'chai';
import { aptArgument, checkSpec, packageKey, parsePackageSpec } from '../../harness/debian/spec.js';

describe('Debian package specs', () => {
  it('reads name[:arch][=version] as apt writes it, the version with its epoch', () => {
    expect(parsePackageSpec('linux-perf')).to.deep.equal({ name: 'linux-perf' });
    expect(parsePackageSpec('linux-perf=6.1.192-3')).to.deep.equal({ name: 'linux-perf', version: '6.1.192-3' });
    expect(parsePackageSpec('gnumach-image-1.8-486:i386=2:1.8+git20221224-2')).to.deep.equal({
      name: 'gnumach-image-1.8-486',
      arch: 'i386',
      version: '2:1.8+git20221224-2',
    });
    expect(parsePackageSpec('openssl:amd64')).to.deep.equal({ name: 'openssl', arch: 'amd64' });
  });

  it('refuses what apt could take for an option or a pattern, and what would leave the cache directory', () => {
    expect(() => parsePackageSpec('-o=x')).to.throw('malformed package name "-o"');
    expect(() => parsePackageSpec('linux-image-*')).to.throw('malformed package name');
    expect(() => parsePackageSpec('libc6=../../etc')).to.throw('malformed version "../../etc"');
    expect(() => checkSpec({ name: 'libc6', arch: 'i386/x' })).to.throw('malformed architecture "i386/x"');
    expect(() => parsePackageSpec('')).to.throw('expected a Debian package as name[:arch][=version], got ""');
  });

  it('gives apt the architecture always, the version when there is one', () => {
    expect(aptArgument('libc6', 'amd64')).to.equal('libc6:amd64');
    expect(aptArgument('gnumach-common', 'i386', '2:1.8+git20221224-2')).to.equal('gnumach-common:i386=2:1.8+git20221224-2');
  });

  it('keys a package by name, version and architecture, as apt-get download names its .deb', () => {
    expect(packageKey('gnumach-image-1.8-486', '2:1.8+git20221224-2', 'i386')).to.equal('gnumach-image-1.8-486_2%3a1.8+git20221224-2_i386');
    expect(packageKey('perl-modules-5.36', '5.36.0-7+deb12u4', 'all')).to.equal('perl-modules-5.36_5.36.0-7+deb12u4_all');
    expect(packageKey('openssl', '3.0.17-1~deb12u2', 'amd64')).not.to.equal(packageKey('openssl', '3.0.17-1~deb12u2', 'i386'));
    expect(() => packageKey('xz-utils', '1/../2', 'amd64')).to.throw('malformed version');
  });
});

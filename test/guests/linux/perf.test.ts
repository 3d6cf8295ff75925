import { expect } from 'chai';
import { dependsNames, treeDirectories } from '../../../harness/guests/linux/perf.js';

describe('perf for the peer cross-check', () => {
  it('follows the libraries of a Depends field, first alternatives, not the interpreters', () => {
    expect(dependsNames('libbabeltrace1 (>= 1.5.4), libc6 (>= 2.34), libpython3.11 (>= 3.11.0), perl:any, python3:any')).to.deep.equal(['libbabeltrace1', 'libc6', 'libpython3.11']);
    expect(dependsNames('libgcc-s1 | libgcc1, libfoo:amd64 (= 1)')).to.deep.equal(['libgcc-s1', 'libfoo']);
    expect(dependsNames('')).to.deep.equal([]);
  });

  it('lists the directories of a tree, parents first, for the cpio member list', () => {
    expect(treeDirectories(['usr/bin/perf', 'lib/x86_64-linux-gnu/libc.so.6', 'lib64/ld-linux-x86-64.so.2'])).to.deep.equal(['lib', 'lib/x86_64-linux-gnu', 'lib64', 'usr', 'usr/bin']);
  });
});
